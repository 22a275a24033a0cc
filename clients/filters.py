import django_filters
from django import forms

from agency.models import User
from agency.widgets import FastSelect

from .models import Client


class ClientFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label="Search by name"
    )
    status = django_filters.ChoiceFilter(choices=Client.Status.choices, empty_label="Any status")
    account_lead = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(role__in=[User.Role.LEAD, User.Role.MANAGER]),
        empty_label="Any lead",
    )
    risk = django_filters.ChoiceFilter(
        field_name="risk_level", choices=Client.RiskLevel.choices, empty_label="Any risk"
    )
    sort = django_filters.OrderingFilter(
        fields=(("name", "name"), ("risk_score", "risk"), ("created_at", "added")),
        # One entry per order: "name" is the default, so there is no blank entry beside it
        # (a list opened without a sort shows "Name (A–Z)" selected and is in that order).
        field_labels={
            "name": "Name (A–Z)",
            "-name": "Name (Z–A)",
            "risk_score": "Risk (lowest first)",
            "-risk": "Risk (highest first)",
            "created_at": "Date added (oldest first)",
            "-added": "Date added (newest first)",
        },
        label="Sort by",
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
