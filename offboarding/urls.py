from django.urls import path

from . import views

app_name = "offboarding"
urlpatterns = [
    path("offboardings/", views.case_list, name="list"),
    path("approvals/", views.approvals, name="approvals"),
    path("clients/<int:client_pk>/offboard/", views.case_start, name="start"),
    path("offboardings/<int:pk>/", views.case_detail, name="detail"),
    path("offboardings/<int:pk>/history/", views.case_history, name="history"),
    path("offboardings/<int:pk>/proposal/", views.proposal_edit, name="proposal"),
    path("offboardings/<int:pk>/submit/", views.submit, name="submit"),
    path("offboardings/<int:pk>/decision/", views.decide, name="decide"),
    path("offboardings/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("offboardings/<int:pk>/complete/", views.complete, name="complete"),
    path("offboardings/<int:pk>/contract-review/", views.review, name="review"),
    path("offboardings/<int:pk>/deliverables/", views.deliverables, name="deliverables"),
    path(
        "offboardings/<int:pk>/deliverables/<int:deliverable_pk>/",
        views.deliverables,
        name="deliverable_edit",
    ),
    path(
        "offboardings/<int:pk>/deliverables/done/",
        views.deliverables_done,
        name="deliverables_done",
    ),
    path("offboardings/<int:pk>/call/", views.call, name="call"),
    path("offboardings/<int:pk>/call/script/", views.call_script, name="call_script"),
    path("offboardings/<int:pk>/call/calendar.ics", views.call_calendar, name="call_ics"),
    path("offboardings/<int:pk>/call/outcome/", views.outcome, name="outcome"),
    path("offboardings/<int:pk>/handover/", views.handover, name="handover"),
    path(
        "offboardings/<int:pk>/handover/instructions/",
        views.instructions,
        name="instructions",
    ),
    path("offboardings/<int:pk>/handover/done/", views.handover_done, name="handover_done"),
    path("offboardings/<int:pk>/credentials/new/", views.credential_edit, name="credential_create"),
    path(
        "offboardings/<int:pk>/credentials/<int:credential_pk>/",
        views.credential_edit,
        name="credential_edit",
    ),
    path(
        "offboardings/<int:pk>/credentials/<int:credential_pk>/delete/",
        views.credential_delete,
        name="credential_delete",
    ),
    path(
        "offboardings/<int:pk>/credentials/<int:credential_pk>/reveal/",
        views.credential_reveal,
        name="credential_reveal",
    ),
    path("offboardings/<int:pk>/assets/new/", views.asset_edit, name="asset_create"),
    path("offboardings/<int:pk>/assets/<int:asset_pk>/", views.asset_edit, name="asset_edit"),
    path(
        "offboardings/<int:pk>/assets/<int:asset_pk>/delete/",
        views.asset_delete,
        name="asset_delete",
    ),
    path("offboardings/<int:pk>/close-out/", views.closeout, name="closeout"),
    path("offboardings/<int:pk>/documents/", views.documents_panel, name="documents"),
    path(
        "offboardings/<int:pk>/documents/handover/",
        views.handover_export,
        name="handover_export",
    ),
    path("offboardings/<int:pk>/documents/letter/", views.letter, name="letter"),
    path(
        "offboardings/<int:pk>/documents/new/<str:kind>/",
        views.document_create,
        name="document_create",
    ),
    path(
        "offboardings/<int:pk>/documents/<int:document_pk>/download/",
        views.document_download,
        name="document_download",
    ),
    path(
        "offboardings/<int:pk>/documents/<int:document_pk>/retry/",
        views.document_retry,
        name="document_retry",
    ),
]
