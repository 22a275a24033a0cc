from django.urls import path

from . import views

app_name = "clients"
urlpatterns = [
    path("clients/", views.client_list, name="list"),
    path("clients/new/", views.client_create, name="create"),
    path("clients/<int:pk>/", views.client_detail, name="detail"),
    path("clients/<int:pk>/edit/", views.client_edit, name="edit"),
    path("clients/<int:pk>/contacts/new/", views.contact_edit, name="contact_create"),
    path(
        "clients/<int:pk>/contacts/<int:contact_pk>/edit/",
        views.contact_edit,
        name="contact_edit",
    ),
    path("clients/<int:pk>/contracts/new/", views.contract_edit, name="contract_create"),
    path(
        "clients/<int:pk>/contracts/<int:contract_pk>/edit/",
        views.contract_edit,
        name="contract_edit",
    ),
    path(
        "clients/<int:pk>/contracts/<int:contract_pk>/file/",
        views.contract_file,
        name="contract_file",
    ),
    path("clients/<int:pk>/invoices/new/", views.invoice_edit, name="invoice_create"),
    path(
        "clients/<int:pk>/invoices/<int:invoice_pk>/edit/",
        views.invoice_edit,
        name="invoice_edit",
    ),
    path("clients/<int:pk>/incidents/new/", views.incident_create, name="incident_create"),
    path("clients/<int:pk>/incidents/<int:incident_pk>/", views.incident_detail, name="incident"),
    path(
        "clients/<int:pk>/incidents/<int:incident_pk>/edit/",
        views.incident_edit,
        name="incident_edit",
    ),
    path(
        "clients/<int:pk>/incidents/<int:incident_pk>/withdraw/",
        views.incident_withdraw,
        name="incident_withdraw",
    ),
    path(
        "clients/<int:pk>/incidents/<int:incident_pk>/evidence/",
        views.evidence_add,
        name="evidence_add",
    ),
    path(
        "clients/<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "clients/<int:pk>/repair-attempts/new/",
        views.repair_attempt_edit,
        name="repair_attempt_create",
    ),
    path(
        "clients/<int:pk>/repair-attempts/<int:repair_attempt_pk>/edit/",
        views.repair_attempt_edit,
        name="repair_attempt_edit",
    ),
]
