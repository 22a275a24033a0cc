import uuid

from django import template
from django.utils.html import format_html

from agency import formatting
from agency.once import FIELD

register = template.Library()


@register.simple_tag
def form_once():
    """A hidden one-time token: the same form posted twice is saved once."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4().hex)


@register.filter
def money(amount, currency):
    """`{{ invoice.amount|money:client.currency }}`: the amount as the active language writes
    it, with the currency sign in its place ("€ 1.234,50", "1 234,50 Ft")."""
    return formatting.money(amount, currency)


@register.filter
def long_date(value):
    """`{{ review.effective_end|long_date }}`: the date in full, as a native writes it in a
    letter ("2 december 2026", "2 dicembre 2026", "2026. december 2.")."""
    return formatting.long_date(value)


_CHOICE_LABELS: dict = {}


@register.filter
def display(obj, field_name):
    """`{{ client|display:"status" }}`: the label of a choice field, like get_status_display
    but translating only that label. (Django's get_FOO_display hashes every label of the
    field's choices, and hashing a translatable label translates it: on a list of clients
    that was most of the cost of the translations.)"""
    field = obj._meta.get_field(field_name)
    labels = _CHOICE_LABELS.get(field)
    if labels is None:
        labels = _CHOICE_LABELS[field] = dict(field.flatchoices)
    value = getattr(obj, field.attname)
    return labels.get(value, value)
