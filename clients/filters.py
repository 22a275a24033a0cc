import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from agency.models import User
from agency.widgets import FastSelect

from .models import Client


class ClientFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label=_("Search by name")
    )
    status = django_filters.ChoiceFilter(
        choices=Client.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    account_lead = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(role__in=[User.Role.LEAD, User.Role.MANAGER]),
        label=_("Account lead"),
        empty_label=_("Any lead"),
    )
    risk = django_filters.ChoiceFilter(
        field_name="risk_level",
        choices=Client.RiskLevel.choices,
        label=_("Risk level"),
        empty_label=_("Any risk"),
    )
    sort = django_filters.OrderingFilter(
        fields=(("name", "name"), ("risk_score", "risk"), ("created_at", "added")),
        # One entry per order: "name" is the default, so there is no blank entry beside it
        # (a list opened without a sort shows "Name (A–Z)" selected and is in that order).
        field_labels={
            "name": _("Name (A–Z)"),
            "-name": _("Name (Z–A)"),
            "risk_score": _("Risk (lowest first)"),
            "-risk": _("Risk (highest first)"),
            "created_at": _("Date added (oldest first)"),
            "-added": _("Date added (newest first)"),
        },
        label=_("Sort by"),
        empty_label=None,
        widget=FastSelect,
    )

    class Meta:
        model = Client
        fields = ["q", "status", "account_lead", "risk"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            if type(field.widget) is forms.Select:
                field.widget = FastSelect(attrs=field.widget.attrs, choices=field.widget.choices)
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"
