from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from agency.models import User
from clients.forms import DATE
from clients.models import Contract

from .models import (
    AccessRow,
    Asset,
    CallPlan,
    ContractReview,
    Credential,
    Deliverable,
    Offboarding,
    Retrospective,
    TeamView,
)
from .services import steps

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
PLAUSIBLE_YEARS = 5


def within_years(value, years: int = PLAUSIBLE_YEARS):
    """Dates of an offboarding lie within a few years of today; anything else is a typo."""
    if value is None:
        return value
    today = timezone.localdate()
    day = value.date() if hasattr(value, "date") and callable(value.date) else value
    if abs((day - today).days) > years * 366:
        raise forms.ValidationError(
            ngettext(
                "Enter a date within %(years)s year of today.",
                "Enter a date within %(years)s years of today.",
                years,
            )
            % {"years": years}
        )
    return value


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Offboarding
        fields = ["incidents", "no_incident_justification", "repair_attempts", "timing", "summary"]
        widgets = {
            "incidents": forms.CheckboxSelectMultiple,
            "repair_attempts": forms.CheckboxSelectMultiple,
            "timing": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 5}),
            "no_incident_justification": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "incidents": gettext_lazy("Reasons: the incidents on record"),
            "no_incident_justification": gettext_lazy("Why no incident is on record"),
            "repair_attempts": gettext_lazy("What was tried to repair the relationship"),
        }

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incidents"].queryset = client.incidents.filter(state="active").order_by(
            "-occurred_on"
        )
        self.fields["incidents"].label_from_instance = lambda i: (
            f"{date_format(i.occurred_on, 'DATE_FORMAT')} · {i.get_category_display()} · "
            f"{i.get_severity_display()} — {i.title}"
        )
        self.fields["repair_attempts"].queryset = client.repair_attempts.order_by("-tried_on")
        self.fields["repair_attempts"].label_from_instance = lambda r: (
            f"{date_format(r.tried_on, 'DATE_FORMAT')} · {r.get_kind_display()} — "
            f"{r.get_outcome_display()}"
        )

    def clean(self):
        data = super().clean()
        if not data.get("incidents") and not (data.get("no_incident_justification") or "").strip():
            self.add_error(
                "no_incident_justification",
                _("Link at least one incident, or explain why there is none on record."),
            )
        return data


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=gettext_lazy(
            "Required. Explain the decision; the team and the audit trail keep it."
        ),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class ContractReviewForm(forms.ModelForm):
    class Meta:
        model = ContractReview
        fields = [
            "contract",
            "basis",
            "notice_given_on",
            "immediate_on",
            "refund_amount",
            "released_early",
            "notes",
        ]
        widgets = {
            "notice_given_on": DATE,
            "immediate_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "basis": forms.RadioSelect,
        }
        labels = {
            "contract": gettext_lazy("Contract"),
            "basis": gettext_lazy("How the contract ends"),
            "notice_given_on": gettext_lazy("Day notice is given"),
            "immediate_on": gettext_lazy("Last day (immediate end only)"),
            "notes": gettext_lazy("Notes"),
        }

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        # A required radio needs no empty "---------" choice: one of the three is the answer.
        self.fields["basis"].choices = ContractReview.Basis.choices
        self.fields["contract"].queryset = Contract.objects.filter(client=client)
        self.fields["contract"].empty_label = None
        if not self.instance.pk:
            self.fields["notice_given_on"].initial = timezone.localdate()
            current = client.contracts.filter(is_current=True).first()
            if current:
                self.fields["contract"].initial = current.pk

    def clean_notice_given_on(self):
        return within_years(self.cleaned_data["notice_given_on"])

    def clean_immediate_on(self):
        return within_years(self.cleaned_data.get("immediate_on"))

    def clean(self):
        data = super().clean()
        if data.get("basis") == ContractReview.Basis.IMMEDIATE and not data.get("immediate_on"):
            data["immediate_on"] = data.get("notice_given_on")
        if data.get("refund_amount") is not None and data["refund_amount"] < 0:
            self.add_error("refund_amount", _("The refund cannot be negative."))
        return data


class DeliverableForm(forms.ModelForm):
    class Meta:
        model = Deliverable
        fields = list(steps.DELIVERABLE_FIELDS)
        widgets = {"due_on": DATE, "description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "refund_amount": gettext_lazy("For “cancel and refund”: the amount to refund.")
        }
        labels = {
            "name": gettext_lazy("Name"),
            "description": gettext_lazy("Description"),
            "due_on": gettext_lazy("Due date"),
            # Translators: the state of a deliverable (a piece of work).
            "status": gettext_lazy("Status"),
            "decision": gettext_lazy("Decision"),
            "refund_amount": gettext_lazy("Amount to refund"),
        }

    def clean(self):
        data = super().clean()
        refund = data.get("refund_amount")
        if data.get("decision") == Deliverable.Decision.CANCEL_REFUND and refund is None:
            self.add_error("refund_amount", _("Enter the amount to refund (0 if none)."))
        if data.get("refund_amount") is not None and data["refund_amount"] < 0:
            self.add_error("refund_amount", _("The refund cannot be negative."))
        if (
            data.get("decision") == Deliverable.Decision.FINISH
            and data.get("client_answer") == Deliverable.Answer.NOT_NEEDED
        ):
            self.add_error(
                "decision", _("The client does not need this one: hand it over or cancel it.")
            )
        return data


class CallPlanForm(forms.ModelForm):
    class Meta:
        model = CallPlan
        fields = [
            "scheduled_at",
            "duration_minutes",
            "channel",
            "language",
            "location",
            "agency_attendees",
            "client_attendees",
            "talking_points",
            "referral_name",
            "referral_contact",
            "referral_why",
            "script",
            "points_written",
            "rehearsed",
            "agreed_internally",
        ]
        widgets = {
            "scheduled_at": DATETIME,
            "agency_attendees": forms.CheckboxSelectMultiple,
            "client_attendees": forms.CheckboxSelectMultiple,
            "talking_points": forms.Textarea(attrs={"rows": 5}),
            "referral_why": forms.Textarea(attrs={"rows": 2}),
            "script": forms.Textarea(attrs={"rows": 16}),
        }
        labels = {
            "duration_minutes": gettext_lazy("Duration (minutes)"),
            # Translators: how the termination call is held (in person, video, phone).
            "channel": gettext_lazy("Channel"),
            "agency_attendees": gettext_lazy("Who attends for the agency"),
            "client_attendees": gettext_lazy("Who attends for the client"),
            "talking_points": gettext_lazy("Talking points"),
            "referral_contact": gettext_lazy("Their contact details (e-mail, phone or website)"),
            # Translators: the call script (the glossary's term).
            "script": gettext_lazy("Script"),
        }
        help_texts = {
            "script": gettext_lazy(
                "Leave empty to generate it from our template and the case's reasons; "
                "then edit it freely. Tick “rehearsed” and “agreed internally” once there is a "
                "script to rehearse and agree on."
            ),
            "channel": gettext_lazy(
                "Call, don't e-mail: ending a relationship deserves a conversation. "
                "The client hears the decision from a person, can ask questions, and the tone "
                "stays respectful; that is why e-mail is not offered."
            ),
        }

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        language = self.fields["language"]
        language.required = False
        if not self.instance.pk:
            language.initial = case.client.language
        language.help_text = _(
            "The script is written in this language. %(client)s's language is %(language)s."
        ) % {"client": case.client.name, "language": case.client.get_language_display()}
        self.fields["scheduled_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["agency_attendees"].queryset = case.client.team.all() | User.objects.filter(
            role=User.Role.MANAGER, is_active=True
        )
        self.fields["agency_attendees"].queryset = self.fields[
            "agency_attendees"
        ].queryset.distinct()
        self.fields["agency_attendees"].required = False
        self.fields["agency_attendees"].help_text = _("Leave empty: you attend.")
        self.fields["client_attendees"].queryset = case.client.contacts.all()
        self.fields["script"].required = False
        # E-mail is never a way to end a relationship: it is not offered at all (the help
        # text says why), and the service still refuses it from any other caller.
        self.fields["channel"].choices = [
            choice
            for choice in self.fields["channel"].choices
            if choice[0] != CallPlan.Channel.EMAIL
        ]

    def clean(self):
        data = super().clean()
        # An empty script is generated on save: nobody can have rehearsed or agreed on it yet.
        if not (data.get("script") or "").strip():
            no_script = {
                "rehearsed": _(
                    "There is no script yet to rehearse. Save the plan with this box "
                    "unticked: the script is generated from our template. Read it, "
                    "then tick this."
                ),
                "agreed_internally": _(
                    "There is no script yet to agree on. Save the plan with this box "
                    "unticked: the script is generated from our template. Read it, "
                    "then tick this."
                ),
            }
            for name, problem in no_script.items():
                if data.get(name):
                    self.add_error(name, problem)
        if data.get("points_written") and not (data.get("talking_points") or "").strip():
            self.add_error("points_written", _("Write the talking points above first."))
        return data

    def clean_scheduled_at(self):
        return within_years(self.cleaned_data["scheduled_at"], 2)

    def clean_duration_minutes(self):
        minutes = self.cleaned_data["duration_minutes"]
        if not 5 <= minutes <= 480:
            raise forms.ValidationError(_("Plan between 5 minutes and 8 hours."))
        return minutes

    def clean_language(self):
        # Left out of a post: the call keeps its language (a new one takes the client's).
        chosen = self.cleaned_data.get("language")
        return (
            chosen
            or (self.instance.language if self.instance.pk else "")
            or (self.case.client.language)
        )


class CallOutcomeForm(forms.Form):
    held = forms.ChoiceField(
        label=gettext_lazy("Did the call happen?"),
        choices=[
            (CallPlan.Held.HELD, gettext_lazy("Yes, it was held")),
            (CallPlan.Held.RESCHEDULED, gettext_lazy("It was rescheduled")),
        ],
        widget=forms.RadioSelect,
    )
    held_at = forms.DateTimeField(
        label=gettext_lazy("When it was held"),
        required=False,
        help_text=gettext_lazy("Only if the call was held: when it started."),
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    rescheduled_to = forms.DateTimeField(
        label=gettext_lazy("New date and time"),
        required=False,
        help_text=gettext_lazy("Only if the call was rescheduled."),
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    reaction = forms.ChoiceField(
        label=gettext_lazy("How the client reacted"),
        choices=[("", "—"), *CallPlan.Reaction.choices],
        required=False,
    )
    commitments = forms.CharField(
        label=gettext_lazy("Commitments made"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    pushback = forms.CharField(
        label=gettext_lazy("Pushback"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy(
            "Record it faithfully. Pushback or promises do not change the decision."
        ),
    )

    def __init__(self, *args, call: CallPlan | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        # The small script shows only the field that fits the answer; without it, the
        # help texts say which one applies.
        self.fields["held_at"].widget.attrs["data-show-if"] = f"held={CallPlan.Held.HELD}"
        self.fields["rescheduled_to"].widget.attrs["data-show-if"] = (
            f"held={CallPlan.Held.RESCHEDULED}"
        )

    def clean(self):
        data = super().clean()
        if data.get("held") == CallPlan.Held.HELD:
            if not data.get("held_at"):
                self.add_error("held_at", _("Enter when the call was held."))
            elif problem := steps.held_at_problem(self.call, data["held_at"]):
                self.add_error("held_at", problem)
            if not data.get("reaction"):
                self.add_error("reaction", _("Record how the client reacted."))
        if data.get("held") == CallPlan.Held.RESCHEDULED:
            if not data.get("rescheduled_to"):
                self.add_error("rescheduled_to", _("Enter the new date and time."))
            elif data["rescheduled_to"] <= timezone.now():
                self.add_error("rescheduled_to", steps.RESCHEDULED_IN_THE_PAST)
        for name in ("held_at", "rescheduled_to"):
            try:
                within_years(data.get(name), 2)
            except forms.ValidationError as error:
                self.add_error(name, error)
        return data


class CredentialForm(forms.ModelForm):
    secret = forms.CharField(
        label=gettext_lazy("Password or secret"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        required=False,
        help_text=gettext_lazy("Encrypted at rest. Shown masked; revealing it is logged."),
    )

    class Meta:
        model = Credential
        fields = list(steps.CREDENTIAL_FIELDS)
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 2}),
            "recovery_note": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            # Translators: the system a login is for (e.g. WordPress, Google Ads).
            "system": gettext_lazy("System"),
            "username": gettext_lazy("Username"),
        }

    field_order = [*steps.CREDENTIAL_FIELDS[:5], "remove_recovery_note"]  # beside the note
    remove_recovery_note = forms.BooleanField(
        label=gettext_lazy("Remove the stored 2FA / recovery note"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Never send a stored secret back to the browser: editing one means typing a new one.
        self.initial.pop("secret", None)
        self.initial.pop("recovery_note", None)
        if self.instance.pk:
            self.fields["secret"].help_text = _("Leave empty to keep the stored secret.")
            if self.instance.recovery_note:
                self.fields["recovery_note"].help_text = _(
                    "A note is stored (encrypted). Leave empty to keep it, type a new one to "
                    "replace it."
                )
            else:
                del self.fields["remove_recovery_note"]
        else:
            self.fields["secret"].required = True
            self.fields["secret"].error_messages["required"] = _("Enter the secret to hand over.")
            del self.fields["remove_recovery_note"]


class AssetForm(forms.ModelForm):
    transfer_code = forms.CharField(
        label=gettext_lazy("Transfer code"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        required=False,
        help_text=gettext_lazy(
            "An auth or EPP code, an invitation link: encrypted, shown on reveal."
        ),
    )

    class Meta:
        model = Asset
        fields = list(steps.ASSET_FIELDS)
        labels = {
            "name": gettext_lazy("Name"),
            # Translators: the kind of an asset (website, domain, repository...).
            "kind": gettext_lazy("Kind"),
        }
        widgets = {"renewal_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.pop("transfer_code", None)  # never sent back to the browser
        self.fields["transfer_status"].required = False  # left out: not started
        if self.instance.pk and self.instance.transfer_code:
            self.fields["transfer_code"].help_text = _(
                "A code is stored (encrypted). Leave empty to keep it."
            )

    def clean_renewal_on(self):
        return within_years(self.cleaned_data.get("renewal_on"))

    def clean_transfer_status(self):
        return self.cleaned_data.get("transfer_status") or Asset.Transfer.NOT_STARTED


class InstructionsForm(forms.Form):
    takeover_instructions = forms.CharField(
        label=gettext_lazy("Takeover instructions"),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        max_length=50000,
        help_text=Offboarding._meta.get_field("takeover_instructions").help_text,
    )


class CloseoutForm(forms.ModelForm):
    class Meta:
        model = Offboarding
        fields = list(Offboarding.CLOSEOUT_FIELDS)


def _language_field(label):
    return forms.ChoiceField(label=label, choices=settings.LANGUAGES, required=False)


class DocumentLanguageMixin:
    """A client-facing document's language: the client's unless the lead picks another for
    this version. Left out of a post, the client's stands."""

    def _set_language(self, client):
        self.client = client
        field = self.fields["language"]
        field.initial = client.language
        field.help_text = _("%(client)s's language is %(language)s.") % {
            "client": client.name,
            "language": client.get_language_display(),
        }

    def clean_language(self):
        return self.cleaned_data.get("language") or self.client.language


class HandoverExportForm(DocumentLanguageMixin, forms.Form):
    language = _language_field(gettext_lazy("Language of the handover"))
    omit_secrets = forms.BooleanField(
        label=gettext_lazy("Leave the secrets out (marked “delivered separately”)"),
        required=False,
    )
    passphrase = forms.CharField(
        label=gettext_lazy("Protect the PDF with a passphrase (optional)"),
        required=False,
        min_length=8,
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy(
            "At least 8 characters. Tell the client by phone; it is never stored."
        ),
    )
    passphrase_again = forms.CharField(
        label=gettext_lazy("Passphrase again"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_language(client)

    def clean(self):
        data = super().clean()
        if data.get("passphrase", "") != data.get("passphrase_again", ""):
            self.add_error("passphrase_again", _("The two passphrases differ."))
        return data


class LetterForm(DocumentLanguageMixin, forms.Form):
    # Picked on the page's "start again" form, which rewrites the wording in that language;
    # carried here so the PDF's own headings and dates match the wording.
    language = forms.ChoiceField(
        choices=settings.LANGUAGES, required=False, widget=forms.HiddenInput
    )
    body = forms.CharField(
        label=gettext_lazy("Wording of the letter"),
        widget=forms.Textarea(attrs={"rows": 18}),
        max_length=20000,
        help_text=gettext_lazy(
            "Edit freely. Blank lines separate paragraphs. This text is kept with the version."
        ),
    )

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client


class WordingForm(forms.Form):
    body = forms.CharField(
        # Translators: the agency's own text of the letter or the call script.
        label=gettext_lazy("Wording"),
        widget=forms.Textarea(attrs={"rows": 22, "spellcheck": "true"}),
        max_length=20000,
        help_text=gettext_lazy(
            "Placeholders in braces are filled in for each case; an empty one leaves no gap."
        ),
    )


# --- The handover room (the lead's side) ----------------------------------------------------


class ContactChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, contact):
        parts = [contact.name, contact.role, contact.email or _("no e-mail address")]
        return " · ".join(part for part in parts if part)


class CredentialChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, credential):
        return f"{credential.system} ({credential.username})"


class RoomOpenForm(forms.Form):
    recipients = ContactChoices(
        label=gettext_lazy("Recipients"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Each receives a personal link by e-mail, in the room's language."),
    )
    days = forms.IntegerField(
        label=gettext_lazy("Open for (days)"),
        min_value=1,
        max_value=settings.CLEANBREAK_ROOM_MAX_DAYS,
        initial=settings.CLEANBREAK_ROOM_DAYS,
    )
    include_logins = forms.BooleanField(
        label=gettext_lazy("Include the logins (the client reveals each secret in the room)"),
        required=False,
        initial=True,
    )
    left_out = CredentialChoices(
        label=gettext_lazy("Leave these logins out"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the room"), choices=settings.LANGUAGES
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        client = case.client
        self.fields["recipients"].queryset = client.contacts.all()
        self.fields["recipients"].initial = [
            c.pk for c in client.contacts.all() if c.receives_handover
        ]
        self.fields["left_out"].queryset = case.credentials.all()
        self.fields["language"].initial = client.language
        self.fields["days"].help_text = _("At most %(max)s days; you can extend it later.") % {
            "max": settings.CLEANBREAK_ROOM_MAX_DAYS
        }

    def clean_recipients(self):
        contacts = self.cleaned_data["recipients"]
        missing = [c.name for c in contacts if not c.email]
        if missing:
            raise forms.ValidationError(
                _("No e-mail address for %(names)s: add one to the contact first.")
                % {"names": ", ".join(missing)}
            )
        return contacts


class RoomExtendForm(forms.Form):
    days = forms.IntegerField(
        label=gettext_lazy("Open for another (days, from today)"),
        min_value=1,
        max_value=settings.CLEANBREAK_ROOM_MAX_DAYS,
        initial=7,
    )


# --- The close-out ledger -------------------------------------------------------------------


class AccessRowForm(forms.ModelForm):
    class Meta:
        model = AccessRow
        fields = ["side", "system", "tool", "person", "credential", "action", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        labels = {"side": gettext_lazy("Which door")}

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credential"].queryset = case.credentials.all()
        self.fields["credential"].required = False

    def clean(self):
        data = super().clean()
        if data.get("side") == AccessRow.Side.THEIRS and not data.get("person"):
            self.add_error("person", _("Name whose access to our tool is removed."))
        if data.get("side") == AccessRow.Side.THEIRS and data.get("credential"):
            self.add_error("credential", _("A handover login is one of their systems, not ours."))
        return data


class WaiveForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why this needs no closing"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TeamViewForm(forms.ModelForm):
    class Meta:
        model = TeamView
        fields = ["verdict", "comment"]
        widgets = {
            "verdict": forms.RadioSelect,
            "comment": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "comment": gettext_lazy(
                "Internal: the manager who decides reads it; the client never."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verdict"].choices = TeamView.Verdict.choices  # no empty radio button


class RetrospectiveForm(forms.ModelForm):
    early_signs = forms.MultipleChoiceField(
        label=gettext_lazy("Early signs we saw (or missed)"),
        choices=Retrospective.Sign.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Retrospective
        fields = ["early_signs", "other_signs", "do_differently"]
        widgets = {
            "other_signs": forms.Textarea(attrs={"rows": 2}),
            "do_differently": forms.Textarea(attrs={"rows": 3}),
        }
