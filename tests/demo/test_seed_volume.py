"""seed_volume writes what the application writes: the audit summaries of its services,
and case states that follow offboarding/workflow.py."""

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

from agency.models import AuditEvent
from demo.volume import Volume, seed_volume
from demo.volume_cases import CANCELLABLE, CANCELLED_AFTER, PATHS
from offboarding import workflow
from offboarding.models import Offboarding

S = Offboarding.Status
ROOT = Path(__file__).resolve().parents[2]
APPS = ("agency", "clients", "offboarding")
SMALL = Volume(clients=80, incidents=600, cases=120, audit_events=4_000, users=20, seed=3)


# --- the summaries the application writes, read from its source ---------------------------


def _pattern(node: ast.expr, assigned: dict[str, list[ast.expr]]) -> str | None:
    """A regular expression for the strings this expression builds (None: unknown)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        # A message id's named placeholders ("Client %(name)s added") stand for anything.
        return re.sub(r"%\\\(\w+\\\)[sd]", ".+", re.escape(node.value))
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "gettext_noop"
        and node.args
    ):
        return _pattern(node.args[0], assigned)
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "SUMMARIES"
    ):  # workflow.SUMMARIES[action]: the summary of each transition
        return "(?:" + "|".join(re.escape(v) for v in workflow.SUMMARIES.values()) + ")"
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(re.escape(value.value))
            else:  # a formatted value: its own pattern where known, else anything
                parts.append(_pattern(value.value, assigned) or ".+")
        return "".join(parts)
    if isinstance(node, ast.IfExp):
        choices = [_pattern(n, assigned) for n in (node.body, node.orelse)]
        return None if None in choices else "(?:" + "|".join(choices) + ")"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _pattern(node.left, assigned), _pattern(node.right, assigned)
        return None if left is None and right is None else (left or ".+") + (right or ".+")
    if isinstance(node, ast.Name):
        choices = [_pattern(v, assigned) for v in assigned.get(node.id, [])]
        if not choices or None in choices:
            return None  # e.g. a parameter passed through (the _audit helper itself)
        return "(?:" + "|".join(choices) + ")"
    return None


def _actions(node: ast.expr) -> set[str] | None:
    if isinstance(node, ast.Attribute) and node.attr.isupper():
        return {AuditEvent.Action[node.attr].value}
    if isinstance(node, ast.IfExp):
        body, orelse = _actions(node.body), _actions(node.orelse)
        return None if body is None or orelse is None else body | orelse
    return None


def app_summaries() -> list[tuple[set[str], re.Pattern]]:
    """(actions, summary pattern) of every audit_record(...) and _audit(...) in the apps."""
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef):
                    continue
                assigned = defaultdict(list)
                for node in ast.walk(function):
                    if isinstance(node, ast.Assign):
                        for target in node.targets:
                            if isinstance(target, ast.Name):
                                assigned[target.id].append(node.value)
                for call in ast.walk(function):
                    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
                        continue
                    kwargs = {k.arg: k.value for k in call.keywords}
                    if call.func.id == "audit_record":
                        action, summary = kwargs.get("action"), kwargs.get("summary")
                    elif call.func.id == "audit" and len(call.args) >= 4:
                        action, summary = call.args[2], call.args[3]
                    else:
                        continue
                    actions = _actions(action) if action is not None else None
                    pattern = _pattern(summary, assigned) if summary is not None else None
                    if actions and pattern:
                        found.append((actions, re.compile(pattern)))
    return found


def test_the_source_reading_finds_the_known_summaries():
    summaries = app_summaries()

    def written(action, summary):
        return any(action in a and p.fullmatch(summary) for a, p in summaries)

    assert written(AuditEvent.Action.REVEAL, "Secret revealed: Google Ads (ads@x.example)")
    assert written(AuditEvent.Action.CREATED, "Incident logged: Late payment")
    assert written(AuditEvent.Action.UPDATED, "Contract Retainer (C-1) updated")
    assert written(AuditEvent.Action.UPDATED, "Client Acme updated")
    assert written(AuditEvent.Action.TRANSITION, "Offboarding started")
    assert written(AuditEvent.Action.LOGIN, "Logged in")
    assert not written(AuditEvent.Action.CREATED, "Invoice added")
    assert not written(AuditEvent.Action.REVEAL, "Credential revealed")
    assert not written(AuditEvent.Action.STEP, "Takeover instructions updated")  # UPDATED


# --- the seeded data -----------------------------------------------------------------------


@pytest.fixture
def seeded(db):
    seed_volume(SMALL, log=lambda line: None)


def test_every_seeded_audit_event_is_one_the_app_writes(seeded):
    summaries = app_summaries()
    pairs = set(AuditEvent.objects.values_list("action", "summary"))
    invented = sorted(
        (action, summary)
        for action, summary in pairs
        if not any(action in a and p.fullmatch(summary) for a, p in summaries)
    )
    assert invented == []
    assert AuditEvent.objects.count() == SMALL.audit_events
    # The mix stays broad: cases, clients and logins, in every kind the seed writes.
    assert len({action for action, _ in pairs}) >= 9


def test_seeded_cases_move_along_the_workflow_table(seeded):
    by_label = {label: action for action, label in workflow.ACTION_LABELS.items()}
    trails = defaultdict(list)
    for event in AuditEvent.objects.filter(case_id__isnull=False, to_state__gt="").order_by("id"):
        trails[event.case_id].append(event)
    cases = dict(Offboarding.objects.values_list("pk", "status"))
    assert set(trails) == set(cases)
    for case_id, trail in trails.items():
        drafted, *moves = trail
        assert drafted.summary == "Offboarding proposal drafted"
        assert drafted.to_state == S.DRAFT
        state = S.DRAFT
        for event in moves:
            action = by_label[event.summary.removeprefix("Offboarding ")]
            assert workflow.allowed(action, state), (case_id, action, state)
            assert event.from_state == state
            assert event.to_state == workflow.target(action)
            decision = action in ("approve", "reject")
            assert event.action == (
                AuditEvent.Action.DECISION if decision else AuditEvent.Action.TRANSITION
            )
            state = event.to_state
        assert state == cases[case_id]


def test_paths_come_from_the_workflow_table():
    for status, path in PATHS.items():
        state = S.DRAFT
        for action in path:
            assert workflow.allowed(action, state)
            state = workflow.target(action)
        assert state == status
    assert set(PATHS) == set(S.values) - {S.CANCELLED}
    assert PATHS[S.COMPLETED] == ("submit", "approve", "start", "complete")
    assert set(CANCELLED_AFTER) == set(CANCELLABLE)
