import uuid

from django import template
from django.utils.html import format_html

from agency.once import FIELD

register = template.Library()


@register.simple_tag
def form_once():
    """A hidden one-time token: the same form posted twice is saved once."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4().hex)
