"""Every write to an offboarding case: one function per action, split by concern.

- case: the proposal, the decision, completion and cancellation;
- steps: contract review, deliverables, the call, the handover, close-out;
- documents: requesting, retrying and downloading a document (the render itself is
  the worker's: offboarding.pipeline, run by offboarding.tasks);
- ledger: the close-out ledger (access closed, assets transferred, waivers);
- room: the handover room (offboarding.services.room, imported as such).

A transition locks the case row, checks its state and the actor's permission, changes
the state and writes the audit event in the same transaction. Calling one twice does
no harm: the second call finds the state already changed and is refused or ignored.
Every refusal is agency.errors.Refused, with a message a person can read.
"""

from .case import (
    offboarding_approve,
    offboarding_cancel,
    offboarding_complete,
    offboarding_open,
    offboarding_reject,
    offboarding_submit,
    offboarding_update_proposal,
    retrospective_save,
    team_members_asked,
    team_view_save,
)
from .documents import document_download, document_request, document_retry
from .ledger import (
    access_row_delete,
    access_row_done,
    access_row_save,
    access_row_waive,
    asset_code_reveal,
    asset_transfer_set,
    asset_waive,
    ledger_from_handover,
)
from .steps import (
    asset_delete,
    asset_save,
    call_outcome_record,
    call_plan_save,
    call_script_regenerate,
    closeout_save,
    contract_review_save,
    credential_delete,
    credential_reveal,
    credential_save,
    deliverable_save,
    deliverables_complete,
    handover_complete,
    handover_instructions_save,
    open_invoices_total,
)

__all__ = [
    "access_row_delete",
    "access_row_done",
    "access_row_save",
    "access_row_waive",
    "asset_code_reveal",
    "asset_transfer_set",
    "asset_waive",
    "ledger_from_handover",
    "asset_delete",
    "asset_save",
    "call_outcome_record",
    "call_plan_save",
    "call_script_regenerate",
    "closeout_save",
    "contract_review_save",
    "credential_delete",
    "credential_reveal",
    "credential_save",
    "deliverable_save",
    "deliverables_complete",
    "document_download",
    "document_request",
    "document_retry",
    "handover_complete",
    "handover_instructions_save",
    "offboarding_approve",
    "offboarding_cancel",
    "offboarding_complete",
    "offboarding_open",
    "offboarding_reject",
    "offboarding_submit",
    "offboarding_update_proposal",
    "open_invoices_total",
    "retrospective_save",
    "team_members_asked",
    "team_view_save",
]
