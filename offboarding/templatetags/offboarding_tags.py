from django import template

from offboarding.text import render_blocks

register = template.Library()


@register.filter
def blocks(text: str):
    """Paragraphs and lists from plain text, escaped (see offboarding.text)."""
    return render_blocks(text)


@register.filter
def masked(secret: str) -> str:
    return "•" * 10 if secret else ""
