"""FastSelect renders what Django's template-rendered Select does, option for option."""

import re

import pytest
from django import forms

from agency.widgets import FastSelect


def options(html: str) -> list[tuple[str, bool, str]]:
    """(value, selected, label) of every <option>, whatever the whitespace around them."""
    return [
        (value, bool(selected), label)
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html
        )
    ]


def select_attrs(html: str) -> set[str]:
    return set(re.match(r"<select([^>]*)>", html.strip()).group(1).split())


CHOICES = [("", "Any"), (0, "Zero"), ("a&b", "Ampersand <&>"), ("x", "Ex")]


@pytest.mark.parametrize("value", ["", 0, "a&b", "x", None])
def test_fast_select_matches_django_select(value):
    attrs = {"class": "form-select", "id": "id_pick"}
    django_html = forms.Select(attrs=attrs, choices=CHOICES).render("pick", value)
    fast_html = FastSelect(attrs=attrs, choices=CHOICES).render("pick", value)

    assert options(fast_html) == options(django_html)
    assert len(options(fast_html)) == len(CHOICES)
    assert select_attrs(fast_html) == select_attrs(django_html)
    assert "Ampersand &lt;&amp;&gt;" in fast_html  # labels and values are escaped
    assert 'value="a&amp;b"' in fast_html


def test_fast_select_keeps_option_groups():
    grouped = [("Fruit", [("apple", "Apple"), ("pear", "Pear")]), ("nut", "Nut")]
    html = FastSelect(choices=grouped).render("food", "pear")
    assert '<optgroup label="Fruit">' in html
    assert options(html) == [
        ("apple", False, "Apple"),
        ("pear", True, "Pear"),
        ("nut", False, "Nut"),
    ]
