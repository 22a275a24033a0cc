from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from agency.models import User
from agency.uploads import ACCEPTED, MAX_FILES_PER_REQUEST, MAX_UPLOAD_BYTES

from . import permissions, services
from .models import Client, Contact, Contract, Incident, Invoice, RepairAttempt

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by content in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(d, initial) for d in data if d]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > MAX_FILES_PER_REQUEST:
            raise forms.ValidationError(
                ngettext(
                    "Attach at most %(count)s file at a time.",
                    "Attach at most %(count)s files at a time.",
                    MAX_FILES_PER_REQUEST,
                )
                % {"count": MAX_FILES_PER_REQUEST}
            )
        return files


def evidence_help() -> str:
    kinds = ", ".join(sorted({str(kind.label) for kind in ACCEPTED.values()}))
    # Translators: kinds is a list of file types, e.g. "GIF image, JPEG image, PDF".
    return _("%(kinds)s. Up to %(size)s MB each.") % {
        "kinds": kinds,
        "size": MAX_UPLOAD_BYTES // (1024 * 1024),
    }


def not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."))
    return value


class PeoplePicker(forms.SelectMultiple):
    """A plain multi-select that static/js/pickers.js turns into a searchable one (Tom
    Select). Without JavaScript it stays a working, labelled <select multiple>."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "size": 6,
                "data-picker": "people",
                "data-placeholder": gettext_lazy("Type a name…"),
                "data-no-results": gettext_lazy("Nobody by that name."),
                **(attrs or {}),
            }
        )

    @property
    def media(self):
        return forms.Media(
            css={"all": ["vendor/tom-select/tom-select.bootstrap5.min.css"]},
            js=[
                forms.Script("vendor/tom-select/tom-select.complete.min.js", defer=True),
                forms.Script("js/pickers.js", defer=True),
            ],
        )


class PersonChoiceField(forms.ModelMultipleChoiceField):
    """People by name and role: "Lena White — Account lead"."""

    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} — {obj.get_role_display()}"


class ClientForm(forms.ModelForm):
    website = forms.URLField(label=gettext_lazy("Website"), required=False, assume_scheme="https")
    team = PersonChoiceField(
        queryset=User.objects.filter(is_active=True),
        label=gettext_lazy("Team"),
        required=False,
        widget=PeoplePicker(),
        help_text=gettext_lazy(
            "People who work on this client; type a name to find someone. "
            "The account lead is always on the team, picked here or not."
        ),
    )

    class Meta:
        model = Client
        fields = [
            "name",
            "website",
            "industry",
            "account_lead",
            "team",
            "start_date",
            "monthly_value",
            "currency",
            "language",
            "notes",
        ]
        widgets = {"start_date": DATE, "notes": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "name": gettext_lazy("Name"),
            "industry": gettext_lazy("Industry"),
            "account_lead": gettext_lazy("Account lead"),
            "start_date": gettext_lazy("Start date"),
            "monthly_value": gettext_lazy("Monthly value"),
            "currency": gettext_lazy("Currency"),
            "notes": gettext_lazy("Notes"),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account_lead"].queryset = User.objects.filter(
            is_active=True, role__in=[User.Role.LEAD, User.Role.MANAGER]
        )
        if not user.is_manager:
            # Only managers reassign the lead; a lead creating a client leads it.
            self.fields["account_lead"].disabled = True
            self.fields["account_lead"].help_text = permissions.REASSIGN_LEAD.refusal
            if not self.instance.pk:
                self.fields["account_lead"].initial = user
        if self.instance.pk:
            self.fields["team"].initial = self.instance.team.all()
        # A browser always sends one (the list has no empty choice); a post without it
        # keeps the client's language (a new client's: the agency's default).
        self.fields["language"].required = False

    def clean_language(self):
        return self.cleaned_data.get("language") or self.instance.language

    def clean_monthly_value(self):
        value = self.cleaned_data["monthly_value"]
        if value is not None and value < 0:
            raise forms.ValidationError(_("The monthly value cannot be negative."))
        return value


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = list(services.CONTACT_FIELDS)
        labels = {
            "name": gettext_lazy("Name"),
            # Translators: a contact person's role at the client (their job title).
            "role": gettext_lazy("Role"),
            "email": gettext_lazy("Email"),
            "phone": gettext_lazy("Phone"),
        }


class ContractForm(forms.ModelForm):
    signed_upload = forms.FileField(label=gettext_lazy("Signed contract (PDF)"), required=False)

    class Meta:
        model = Contract
        fields = list(services.CONTRACT_FIELDS)
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "termination_clause_text": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "title": gettext_lazy("Title"),
            "reference": gettext_lazy("Reference"),
            "start_date": gettext_lazy("Start date"),
            "end_date": gettext_lazy("End date"),
            "monthly_fee": gettext_lazy("Monthly fee"),
            "is_current": gettext_lazy("This is the current contract"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_upload"].help_text = _("PDF, up to %(size)s MB. Stored privately.") % {
            "size": MAX_UPLOAD_BYTES // (1024 * 1024)
        }
        # Asked for only when the contract renews automatically (checked in clean).
        self.fields["renewal_months"].required = False

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        if data.get("auto_renews") and not end:
            self.add_error(
                "auto_renews", _("A rolling contract has no end date to renew; untick this.")
            )
        months = data.get("renewal_months")
        if months is None and "renewal_months" not in self.errors:
            if data.get("auto_renews"):
                self.add_error(
                    "renewal_months",
                    _(
                        "A contract that renews automatically needs the length of each renewal,"
                        " in months."
                    ),
                )
            else:
                # Not read for a contract that does not renew: keep what is stored (the
                # model's default for a new contract) rather than ask for it.
                data["renewal_months"] = self.instance.renewal_months
        elif months is not None and not 1 <= months <= 120:
            self.add_error("renewal_months", _("A renewal lasts between 1 and 120 months."))
        for name in ("monthly_fee", "deposit_amount"):
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, _("Amounts cannot be negative."))
        if data.get("notice_days") is not None and data["notice_days"] > 730:
            self.add_error("notice_days", _("A notice period of more than two years looks wrong."))
        return data


class InvoiceForm(forms.ModelForm):
    class Meta:
        model = Invoice
        fields = list(services.INVOICE_FIELDS)
        widgets = {"issued_on": DATE, "due_on": DATE, "paid_on": DATE}
        labels = {
            "contract": gettext_lazy("Contract"),
            "amount": gettext_lazy("Amount"),
        }
        help_texts = {
            "paid_amount": gettext_lazy(
                "What was received so far; less than the amount for a partial payment."
            ),
            "paid_on": gettext_lazy("When the (last) payment was received."),
        }

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.instance.client = client
        self.fields["contract"].queryset = client.contracts.all()

    def clean(self):
        data = super().clean()
        issued, due, paid_on = data.get("issued_on"), data.get("due_on"), data.get("paid_on")
        amount, paid = data.get("amount"), data.get("paid_amount")
        if issued and due and due < issued:
            self.add_error("due_on", _("The due date is before the issue date."))
        if amount is not None and amount <= 0:
            self.add_error("amount", _("The amount must be more than zero."))
        if paid is not None and paid < 0:
            self.add_error("paid_amount", _("The amount paid cannot be negative."))
        if paid and not paid_on:
            self.add_error("paid_on", _("Enter the date the payment was received."))
        if paid_on and not paid:
            self.add_error("paid_amount", _("Enter how much was received on that date."))
        if paid_on and issued and paid_on < issued:
            self.add_error("paid_on", _("The payment date is before the invoice was issued."))
        if paid_on:
            not_in_future(paid_on)
        if amount and paid and paid > amount:
            self.add_error("paid_amount", _("More than the invoice amount was entered as paid."))
        return data


class IncidentForm(forms.ModelForm):
    files = MultipleFileField(label=gettext_lazy("Evidence files"), required=False, help_text="")

    class Meta:
        model = Incident
        fields = list(services.INCIDENT_FIELDS)
        widgets = {"occurred_on": DATE, "description": forms.Textarea(attrs={"rows": 6})}
        labels = {
            "category": gettext_lazy("Category"),
            "severity": gettext_lazy("Severity"),
            "hours_lost": gettext_lazy("Hours lost"),
            "money_at_stake": gettext_lazy("Money at stake"),
        }

    def __init__(self, *args, with_files: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_files:
            self.fields["files"].help_text = evidence_help()
        else:
            del self.fields["files"]

    def clean_occurred_on(self):
        return not_in_future(self.cleaned_data["occurred_on"])

    def clean(self):
        data = super().clean()
        for name in ("hours_lost", "money_at_stake"):
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, _("This cannot be negative."))
        return data


class EvidenceForm(forms.Form):
    files = MultipleFileField(label=gettext_lazy("Evidence files"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = evidence_help()


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is this incident withdrawn?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class RepairAttemptForm(forms.ModelForm):
    class Meta:
        model = RepairAttempt
        fields = list(services.REPAIR_FIELDS)
        widgets = {"tried_on": DATE, "description": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "description": gettext_lazy("Description"),
            "outcome": gettext_lazy("Outcome"),
        }

    def clean_tried_on(self):
        return not_in_future(self.cleaned_data["tried_on"])
