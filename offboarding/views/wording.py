"""The agency's wording of the letter and the call script per language: managers edit it,
preview it with made-up facts, and every save is kept as a version."""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from agency.errors import Refused

from .. import permissions
from ..documents import wording
from ..documents.script import LETTER_REASONS, NEUTRAL_CONCERNS
from ..forms import WordingForm
from ..models import Wording
from ..services.wording import wording_save

LANGUAGE_NAMES = dict(settings.LANGUAGES)


def wording_list(request):
    permissions.EDIT_WORDING.check(request.user)
    newest: dict[tuple[str, str], Wording] = {}
    counts: dict[tuple[str, str], int] = {}
    for version in Wording.objects.select_related("created_by").order_by("created_at", "id"):
        key = (version.kind, version.language)
        newest[key] = version
        counts[key] = counts.get(key, 0) + 1
    rows = [
        {
            "kind": kind,
            "kind_label": label,
            "language": code,
            "language_name": LANGUAGE_NAMES[code],
            "current": newest.get((kind, code)),
            "versions": counts.get((kind, code), 0),
        }
        for kind, label in Wording.Kind.choices
        for code, _name in settings.LANGUAGES
    ]
    return render(request, "offboarding/wording_list.html", {"rows": rows})


def _preview(kind: str, language: str, body: str) -> str:
    if kind == Wording.Kind.LETTER:
        with translation.override(language):
            reason = str(LETTER_REASONS["late_payment"])
        facts = dataclasses.replace(wording.sample_letter_facts(), reason=reason)
        return wording.letter_text(facts, language=language, body=body)
    facts = wording.ScriptFacts(
        agency=settings.AGENCY_NAME,
        client="Example Client Ltd",
        contact="Alex Morgan",
        speaker="Sam Lee",
        concerns=(NEUTRAL_CONCERNS["late_payment"], NEUTRAL_CONCERNS["scope_creep"]),
        referral_name="Brightside Studio",
    )
    return wording.script_text(facts, language=language, body=body)


def wording_edit(request, kind: str, language: str):
    permissions.EDIT_WORDING.check(request.user)
    if kind not in Wording.Kind.values or language not in LANGUAGE_NAMES:
        raise Http404
    versions = list(
        Wording.objects.filter(kind=kind, language=language)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )
    current = versions[0] if versions else None
    start = current.body if current else wording.default_body(kind, language)
    loaded = None
    if request.GET.get("version"):
        loaded = next((v for v in versions if str(v.pk) == request.GET["version"]), None)
        start = loaded.body if loaded else start
    elif request.GET.get("default"):
        start = wording.default_body(kind, language)

    form = WordingForm(request.POST or None, initial={"body": start})
    preview = ""
    if request.method == "POST" and form.is_valid():
        body = form.cleaned_data["body"]
        unknown = wording.unknown_placeholders(kind, body)
        if request.POST.get("action") == "preview":
            if unknown:
                form.add_error(
                    "body",
                    _("Unknown placeholders: %(names)s.")
                    % {"names": ", ".join("{" + n + "}" for n in unknown)},
                )
            else:
                preview = _preview(kind, language, body)
        else:
            try:
                saved = wording_save(actor=request.user, kind=kind, language=language, body=body)
            except Refused as error:
                form.add_error("body", error.message)
            else:
                if saved is None:
                    messages.info(request, _("Nothing changed: the wording in use is the same."))
                else:
                    messages.success(
                        request,
                        _("Saved as version %(number)s. New letters and scripts use it.")
                        % {"number": len(versions) + 1},
                    )
                return redirect("offboarding:wording_edit", kind=kind, language=language)
    elif request.method == "POST":
        messages.error(request, _("Please correct the errors below; nothing was saved."))
    return render(
        request,
        "offboarding/wording_edit.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": Wording.Kind(kind).label,
            "language": language,
            "language_name": LANGUAGE_NAMES[language],
            "placeholders": wording.PLACEHOLDERS[kind].items(),
            "versions": [(len(versions) - i, v) for i, v in enumerate(versions)],
            "current": current,
            "loaded": loaded,
            "preview": preview,
        },
    )
