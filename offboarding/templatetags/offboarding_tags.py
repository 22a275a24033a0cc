from django import template
from django.utils.safestring import mark_safe

from offboarding.models import Offboarding
from offboarding.progress import next_step
from offboarding.text import render_blocks

register = template.Library()


@register.filter
def blocks(text: str):
    """Paragraphs and lists from plain text, escaped (see offboarding.text)."""
    return render_blocks(text)


@register.filter
def state_label(value: str) -> str:
    """A case state as a person reads it (In progress), not as stored (in_progress)."""
    return Offboarding.Status(value).label if value in Offboarding.Status.values else value


@register.filter
def css_string(text) -> str:
    """Text safe inside a double-quoted CSS string (for running headers in PDFs)."""
    text = str(text or "")
    cleaned = "".join(ch if ch.isprintable() and ch not in '"\\<>' else " " for ch in text)
    return mark_safe(cleaned)  # noqa: S308 - no quote, backslash or angle bracket is left


@register.simple_tag
def step_after(steps, current: str):
    """On a step page whose step is done: the next open step to go to (None otherwise).
    The rule of which step is next is progress.next_step's."""
    here = next((step for step in steps if step.key == current), None)
    if here is None or not here.done:
        return None
    step = next_step([step for step in steps if step.key != current])
    return step if step and step.url and step.state != "blocked" else None
