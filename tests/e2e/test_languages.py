"""A person who works in Italian sees Italian: the switch in the user menu keeps the choice,
and the main pages carry no English left over from the interface."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

from offboarding import services

from .test_accessibility import agency, pages_for  # noqa: F401 - the fixture is used by name

# Words of the interface's English that Italian text never needs; user data in these pages
# (client names, contract titles, notes) is written without them.
ENGLISH = {
    "the", "and", "of", "to", "your", "with", "for", "this", "is", "are", "not", "add",
    "save", "edit", "new", "cancel", "back", "delete", "view", "show", "all", "log", "by",
}  # fmt: skip
# The interface's own chrome: where only our words appear, never a client's.
CHROME = "nav a, button, label, th, legend, .form-text, .btn, .badge, h1, h2, .nav-link"


def english_messages() -> set[str]:
    """Every message of two words or more whose Italian differs from the English."""
    path = Path(settings.BASE_DIR) / "locale" / "it" / "LC_MESSAGES" / "django.po"
    with open(path, "rb") as po:
        catalogue = read_po(po)
    found = set()
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if "%" in english or "{" in english or "<" in english:
                continue  # filled in on the page: not findable as written
            if len(english.split()) >= 2 and english not in strings:
                found.add(english)
    return found


@pytest.mark.django_db(transaction=True)
def test_a_user_switched_to_italian_finds_no_english_on_the_main_pages(
    request,
    page,
    live_server,
    login,
    agency,  # noqa: F811 - the fixture imported above
    lead,
):
    # What people type is theirs: an Italian agency writes its instructions in Italian.
    services.handover_instructions_save(
        actor=lead,
        case=agency["ready"],
        text="- Accedi con l'account consegnato\n- Cambia la password",
    )
    login(page, lead)
    page.get_by_role("button", name=re.compile(lead.display_name)).click()
    page.get_by_role("button", name="Italiano").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "it"
    lead.refresh_from_db()
    assert lead.language == "it"

    messages = english_messages()
    problems = []
    for path in pages_for("lead", agency):
        response = page.goto(f"{live_server.url}{path}")
        assert response.ok, path
        assert page.locator("html").get_attribute("lang") == "it", path
        text = page.inner_text("body")
        problems += [f"{path}: “{m}”" for m in messages if m in text]
        for chrome in page.locator(CHROME).all_inner_texts():
            words = {w.lower() for w in re.findall(r"[A-Za-z]+", chrome)}
            if words & ENGLISH:
                problems.append(f"{path}: “{chrome.strip()}”")
    assert not problems, "English left on Italian pages:\n" + "\n".join(sorted(set(problems)))


@pytest.mark.django_db(transaction=True)
def test_the_login_page_follows_the_browser_language(browser, live_server):
    context = browser.new_context(locale="hu-HU")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "hu"
    assert page.get_by_role("button", name="Bejelentkezés").is_visible()
    context.close()
