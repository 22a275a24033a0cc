"""Offboarding pages, by concern: cases (lists, the case, proposal and decision), steps
(the guided offboarding) and documents. Fetch through case_for_user (404 for what the
user may not see), check the action's permission (403 when seen but not allowed), call
one service, redirect with a message. State changes are POST only."""
