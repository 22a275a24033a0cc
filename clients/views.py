"""Client pages. Each view fetches through client_for_user (404 for what the user may
not see), checks the action's permission (403 when seen but not allowed), validates a
form, calls one service and redirects with a message."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_POST

from agency.downloads import private_file_response
from agency.errors import Refused
from agency.models import AuditEvent
from agency.once import AlreadySubmitted, already_submitted, once, remember
from agency.services import audit_record
from agency.uploads import UploadRejected

from . import permissions, services
from .forms import (
    ClientForm,
    ContactForm,
    ContractForm,
    EvidenceForm,
    IncidentForm,
    InvoiceForm,
    RepairAttemptForm,
    WithdrawForm,
)
from .models import Client, Evidence
from .selectors import (
    client_for_user,
    client_incidents,
    client_list_filtered,
    client_repair_attempts,
    client_timeline,
    incident_history,
    incident_of_client,
    payment_statement,
)

PAGE_SIZE = 25
TABS = [
    ("overview", gettext_lazy("Overview")),
    ("contracts", gettext_lazy("Contracts")),
    ("payments", gettext_lazy("Payments")),
    ("incidents", gettext_lazy("Incidents")),
    ("repair_attempts", gettext_lazy("Repair attempts")),
    ("timeline", gettext_lazy("Timeline")),
]


def _client_url(client: Client, tab: str = "overview") -> str:
    url = reverse("clients:detail", args=[client.pk])
    return url if tab == "overview" else f"{url}?tab={tab}"


def _form_page(
    request: HttpRequest,
    *,
    form,
    template: str,
    context: dict,
    action: Callable[[dict], object],
    success: str,
    next_url: Callable[[object], str],
) -> HttpResponse:
    """Validate, call the service, redirect with a message; a refusal keeps what was typed."""
    if request.method == "POST" and form.is_valid():
        try:
            with once(request) as submitted:
                url = next_url(action(form.cleaned_data))
                remember(submitted, url)
        except AlreadySubmitted as first:
            return already_submitted(request, first)
        except (Refused, UploadRejected) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, success)
            return redirect(url)
    elif request.method == "POST":
        messages.error(request, _("Please correct the errors below; nothing was saved."))
    return render(request, template, {**context, "form": form})


# --- Clients -----------------------------------------------------------------------------


def client_list(request):
    filterset, queryset = client_list_filtered(request.user, request.GET)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "clients/client_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_create": permissions.can_create_client(request.user),
        },
    )


def client_create(request):
    permissions.CREATE_CLIENT.check(request.user)
    form = ClientForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form=form,
        template="clients/form.html",
        context={"title": _("Add a client")},
        action=lambda data: services.client_create(actor=request.user, **data),
        success=_("Client added."),
        next_url=_client_url,
    )


def client_detail(request, pk: int):
    client = client_for_user(request.user, pk)
    tab = request.GET.get("tab", "overview")
    if tab not in dict(TABS):
        tab = "overview"
    user = request.user
    context = {
        "client": client,
        "tab": tab,
        "tabs": TABS,
        "can_manage": permissions.can_manage_client(user, client),
        "can_log": permissions.can_log_incident(user, client),
        "can_propose": permissions.can_view_client(user, client),
        "open_case": client.cases.open().first(),
        "today": timezone.localdate(),
    }
    if tab == "overview":
        context["statement"] = payment_statement(client, today=context["today"])
    elif tab == "contracts":
        context["contracts"] = [(c, c.notice()) for c in client.contracts.all()]
    elif tab == "payments":
        context["statement"] = payment_statement(client, today=context["today"])
    elif tab == "incidents":
        page = Paginator(client_incidents(client), PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = page
    elif tab == "repair_attempts":
        context["repair_attempts"] = [
            (attempt, permissions.can_edit_repair_attempt(user, attempt))
            for attempt in client_repair_attempts(client)
        ]
    elif tab == "timeline":
        context["timeline"] = client_timeline(client)
    return render(request, "clients/client_detail.html", context)


def client_edit(request, pk: int):
    client = client_for_user(request.user, pk)
    permissions.EDIT_CLIENT.check(request.user, client)
    form = ClientForm(request.POST or None, instance=client, user=request.user)
    return _form_page(
        request,
        form=form,
        template="clients/form.html",
        context={"title": _("Edit %(name)s") % {"name": client.name}, "client": client},
        action=lambda data: services.client_update(actor=request.user, client=client, **data),
        success=_("Client updated."),
        next_url=_client_url,
    )


# --- Contacts ----------------------------------------------------------------------------


def contact_edit(request, pk: int, contact_pk: int | None = None):
    client = client_for_user(request.user, pk)
    permissions.EDIT_CONTACTS.check(request.user, client)
    contact = get_object_or_404(client.contacts, pk=contact_pk) if contact_pk else None
    form = ContactForm(request.POST or None, instance=contact)
    return _form_page(
        request,
        form=form,
        template="clients/form.html",
        context={
            "title": _("Edit contact") if contact else _("Add a contact"),
            "client": client,
        },
        action=lambda data: services.contact_save(
            actor=request.user, client=client, contact=contact, **data
        ),
        success=_("Contact saved."),
        next_url=lambda _: _client_url(client),
    )


# --- Contracts ---------------------------------------------------------------------------


def contract_edit(request, pk: int, contract_pk: int | None = None):
    client = client_for_user(request.user, pk)
    permissions.EDIT_CONTRACTS.check(request.user, client)
    contract = get_object_or_404(client.contracts, pk=contract_pk) if contract_pk else None
    form = ContractForm(request.POST or None, request.FILES or None, instance=contract)

    def save(data):
        upload = data.pop("signed_upload", None)
        return services.contract_save(
            actor=request.user, client=client, contract=contract, signed_upload=upload, **data
        )

    return _form_page(
        request,
        form=form,
        template="clients/form.html",
        context={
            "title": _("Edit contract") if contract else _("Add a contract"),
            "client": client,
            "multipart": True,
        },
        action=save,
        success=_("Contract saved."),
        next_url=lambda _: _client_url(client, "contracts"),
    )


def contract_file(request, pk: int, contract_pk: int):
    client = client_for_user(request.user, pk)
    contract = get_object_or_404(client.contracts, pk=contract_pk)
    if not contract.signed_file:
        raise Http404("No signed file for this contract.")
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.DOWNLOAD,
        summary=gettext_noop("Signed contract %(contract)s downloaded"),
        summary_args={"contract": str(contract)},
        client_id=client.pk,
        obj=contract,
        request=request,
    )
    return private_file_response(
        contract.signed_file,
        download_name=contract.signed_file_name or f"contract-{contract.pk}.pdf",
        content_type="application/pdf",
    )


# --- Invoices ----------------------------------------------------------------------------


def invoice_edit(request, pk: int, invoice_pk: int | None = None):
    client = client_for_user(request.user, pk)
    permissions.RECORD_INVOICES.check(request.user, client)
    invoice = get_object_or_404(client.invoices, pk=invoice_pk) if invoice_pk else None
    form = InvoiceForm(request.POST or None, instance=invoice, client=client)
    return _form_page(
        request,
        form=form,
        template="clients/form.html",
        context={
            "title": (
                _("Invoice %(number)s") % {"number": invoice.number}
                if invoice
                else _("Record an invoice")
            ),
            "client": client,
        },
        action=lambda data: services.invoice_save(
            actor=request.user, client=client, invoice=invoice, **data
        ),
        success=_("Invoice saved."),
        next_url=lambda _: _client_url(client, "payments"),
    )


# --- Incidents ---------------------------------------------------------------------------


def incident_create(request, pk: int):
    client = client_for_user(request.user, pk)
    permissions.LOG_INCIDENT.check(request.user, client)
    form = IncidentForm(request.POST or None, request.FILES or None)

    def save(data):
        files = data.pop("files", [])
        return services.incident_log(actor=request.user, client=client, files=files, **data)

    return _form_page(
        request,
        form=form,
        template="clients/incident_form.html",
        context={"title": _("Log an incident"), "client": client},
        action=save,
        success=_("Incident logged. It stays internal and is never shared with the client."),
        next_url=lambda incident: reverse("clients:incident", args=[client.pk, incident.pk]),
    )


def incident_detail(request, pk: int, incident_pk: int):
    client = client_for_user(request.user, pk)
    incident = incident_of_client(client, incident_pk)
    changes = incident_history(incident)
    return render(
        request,
        "clients/incident_detail.html",
        {
            "client": client,
            "incident": incident,
            "history": changes,
            "can_edit": permissions.can_edit_incident(request.user, incident),
            "can_add_evidence": permissions.can_log_incident(request.user, client)
            and not incident.is_withdrawn,
            "evidence_form": EvidenceForm(),
            "withdraw_form": WithdrawForm(),
        },
    )


def incident_edit(request, pk: int, incident_pk: int):
    client = client_for_user(request.user, pk)
    incident = incident_of_client(client, incident_pk)
    permissions.CORRECT_INCIDENT.check(request.user, incident)
    form = IncidentForm(request.POST or None, instance=incident, with_files=False)
    return _form_page(
        request,
        form=form,
        template="clients/incident_form.html",
        context={"title": _("Correct the incident"), "client": client, "incident": incident},
        action=lambda data: services.incident_update(actor=request.user, incident=incident, **data),
        success=_("Incident updated. The previous version is kept in its history."),
        next_url=lambda _: reverse("clients:incident", args=[client.pk, incident.pk]),
    )


@require_POST
def incident_withdraw(request, pk: int, incident_pk: int):
    client = client_for_user(request.user, pk)
    incident = incident_of_client(client, incident_pk)
    permissions.WITHDRAW_INCIDENT.check(request.user, incident)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.incident_withdraw(
                actor=request.user, incident=incident, reason=form.cleaned_data["reason"]
            )
        except Refused as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Incident withdrawn. It stays on record with your reason."))
    else:
        problems = " ".join(form.errors.get("reason", []))
        messages.error(
            request,
            # Translators: problems is what was wrong with the reason, e.g. "This field is
            # required."
            _("Say why the incident is withdrawn: %(problems)s Nothing was changed.")
            % {"problems": problems},
        )
    return redirect("clients:incident", client.pk, incident.pk)


@require_POST
def evidence_add(request, pk: int, incident_pk: int):
    client = client_for_user(request.user, pk)
    incident = incident_of_client(client, incident_pk)
    permissions.ADD_EVIDENCE.check(request.user, incident)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            with once(request) as submitted:
                services.evidence_add(
                    actor=request.user, incident=incident, files=form.cleaned_data["files"]
                )
                remember(submitted, reverse("clients:incident", args=[client.pk, incident.pk]))
        except AlreadySubmitted as first:
            return already_submitted(request, first)
        except (Refused, UploadRejected) as error:
            messages.error(request, _("No file was added: %(error)s") % {"error": error})
        else:
            messages.success(request, _("Evidence added."))
    else:
        messages.error(request, " ".join(form.errors.get("files", [_("Choose a file.")])))
    return redirect("clients:incident", client.pk, incident.pk)


def evidence_download(request, pk: int, evidence_pk: int):
    client = client_for_user(request.user, pk)
    evidence = get_object_or_404(
        Evidence.objects.select_related("incident"), pk=evidence_pk, incident__client=client
    )
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.DOWNLOAD,
        summary=gettext_noop("Evidence %(name)s downloaded"),
        summary_args={"name": evidence.original_name},
        client_id=client.pk,
        obj=evidence,
        request=request,
    )
    return private_file_response(
        evidence.file, download_name=evidence.original_name, content_type=evidence.content_type
    )


# --- Repair attempts ---------------------------------------------------------------------


def repair_attempt_edit(request, pk: int, repair_attempt_pk: int | None = None):
    client = client_for_user(request.user, pk)
    permissions.RECORD_REPAIR.check(request.user, client)
    repair_attempt = (
        get_object_or_404(client.repair_attempts, pk=repair_attempt_pk)
        if repair_attempt_pk
        else None
    )
    if repair_attempt is not None:
        permissions.UPDATE_REPAIR.check(request.user, repair_attempt)
    form = RepairAttemptForm(request.POST or None, instance=repair_attempt)
    return _form_page(
        request,
        form=form,
        template="clients/form.html",
        context={
            "title": (
                _("Update repair attempt") if repair_attempt else _("Record a repair attempt")
            ),
            "client": client,
        },
        action=lambda data: services.repair_attempt_save(
            actor=request.user, client=client, repair_attempt=repair_attempt, **data
        ),
        success=_("Repair attempt saved."),
        next_url=lambda _: _client_url(client, "repair_attempts"),
    )
