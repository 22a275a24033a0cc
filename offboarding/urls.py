from django.urls import path

from .views import cases, documents, ledger, room, steps, wording

app_name = "offboarding"
urlpatterns = [
    path("offboardings/", cases.case_list, name="list"),
    path("approvals/", cases.approvals, name="approvals"),
    path("wording/", wording.wording_list, name="wording_list"),
    path("wording/<str:kind>/<str:language>/", wording.wording_edit, name="wording_edit"),
    path("clients/<int:client_pk>/offboard/", cases.case_start, name="start"),
    path("offboardings/<int:pk>/", cases.case_detail, name="detail"),
    path("offboardings/<int:pk>/history/", cases.case_history, name="history"),
    path("offboardings/<int:pk>/proposal/", cases.proposal_edit, name="proposal"),
    path("offboardings/<int:pk>/submit/", cases.submit, name="submit"),
    path("offboardings/<int:pk>/decision/", cases.decide, name="decide"),
    path("offboardings/<int:pk>/view/", cases.team_view, name="team_view"),
    path("offboardings/<int:pk>/cancel/", cases.cancel, name="cancel"),
    path("offboardings/<int:pk>/complete/", cases.complete, name="complete"),
    path("offboardings/<int:pk>/contract-review/", steps.review, name="review"),
    path("offboardings/<int:pk>/deliverables/", steps.deliverables, name="deliverables"),
    path(
        "offboardings/<int:pk>/deliverables/<int:deliverable_pk>/",
        steps.deliverables,
        name="deliverable_edit",
    ),
    path(
        "offboardings/<int:pk>/deliverables/done/",
        steps.deliverables_done,
        name="deliverables_done",
    ),
    path("offboardings/<int:pk>/call/", steps.call, name="call"),
    path("offboardings/<int:pk>/call/script/", steps.call_script, name="call_script"),
    path("offboardings/<int:pk>/call/calendar.ics", steps.call_calendar, name="call_ics"),
    path("offboardings/<int:pk>/call/outcome/", steps.outcome, name="outcome"),
    path("offboardings/<int:pk>/handover/", steps.handover, name="handover"),
    path(
        "offboardings/<int:pk>/handover/instructions/",
        steps.instructions,
        name="instructions",
    ),
    path("offboardings/<int:pk>/handover/done/", steps.handover_done, name="handover_done"),
    path("offboardings/<int:pk>/credentials/new/", steps.credential_edit, name="credential_create"),
    path(
        "offboardings/<int:pk>/credentials/<int:credential_pk>/",
        steps.credential_edit,
        name="credential_edit",
    ),
    path(
        "offboardings/<int:pk>/credentials/<int:credential_pk>/delete/",
        steps.credential_delete,
        name="credential_delete",
    ),
    path(
        "offboardings/<int:pk>/credentials/<int:credential_pk>/reveal/",
        steps.credential_reveal,
        name="credential_reveal",
    ),
    path("offboardings/<int:pk>/assets/new/", steps.asset_edit, name="asset_create"),
    path("offboardings/<int:pk>/assets/<int:asset_pk>/", steps.asset_edit, name="asset_edit"),
    path(
        "offboardings/<int:pk>/assets/<int:asset_pk>/delete/",
        steps.asset_delete,
        name="asset_delete",
    ),
    path("offboardings/<int:pk>/close-out/", steps.closeout, name="closeout"),
    path("offboardings/<int:pk>/close-out/access/new/", ledger.row_edit, name="ledger_row_create"),
    path(
        "offboardings/<int:pk>/close-out/access/<int:row_pk>/",
        ledger.row_edit,
        name="ledger_row_edit",
    ),
    path(
        "offboardings/<int:pk>/close-out/access/<int:row_pk>/done/",
        ledger.row_done,
        name="ledger_row_done",
    ),
    path(
        "offboardings/<int:pk>/close-out/access/<int:row_pk>/delete/",
        ledger.row_delete,
        name="ledger_row_delete",
    ),
    path(
        "offboardings/<int:pk>/close-out/access/<int:row_pk>/waive/",
        ledger.row_waive,
        name="ledger_row_waive",
    ),
    path(
        "offboardings/<int:pk>/close-out/from-handover/",
        ledger.ledger_fill,
        name="ledger_fill",
    ),
    path(
        "offboardings/<int:pk>/assets/<int:asset_pk>/transfer/",
        ledger.asset_transfer,
        name="asset_transfer",
    ),
    path(
        "offboardings/<int:pk>/assets/<int:asset_pk>/waive/",
        ledger.asset_waive,
        name="asset_waive",
    ),
    path(
        "offboardings/<int:pk>/assets/<int:asset_pk>/transfer-code/",
        ledger.asset_code_reveal,
        name="asset_code_reveal",
    ),
    path("offboardings/<int:pk>/room/", room.room, name="room"),
    path("offboardings/<int:pk>/room/status/", room.room_panel, name="room_panel"),
    path("offboardings/<int:pk>/room/revoke/", room.room_revoke, name="room_revoke"),
    path("offboardings/<int:pk>/room/extend/", room.room_extend, name="room_extend"),
    path(
        "offboardings/<int:pk>/room/recipients/<int:recipient_pk>/revoke/",
        room.recipient_revoke,
        name="room_recipient_revoke",
    ),
    path(
        "offboardings/<int:pk>/room/recipients/<int:recipient_pk>/new-link/",
        room.recipient_reissue,
        name="room_recipient_reissue",
    ),
    path(
        "offboardings/<int:pk>/room/destroy-secrets/",
        room.secrets_destroy,
        name="room_secrets_destroy",
    ),
    path("offboardings/<int:pk>/documents/", documents.documents_panel, name="documents"),
    path(
        "offboardings/<int:pk>/documents/handover/",
        documents.handover_export,
        name="handover_export",
    ),
    path("offboardings/<int:pk>/documents/letter/", documents.letter, name="letter"),
    path(
        "offboardings/<int:pk>/documents/new/<str:kind>/",
        documents.document_create,
        name="document_create",
    ),
    path(
        "offboardings/<int:pk>/documents/<int:document_pk>/download/",
        documents.document_download,
        name="document_download",
    ),
    path(
        "offboardings/<int:pk>/documents/<int:document_pk>/retry/",
        documents.document_retry,
        name="document_retry",
    ),
]
