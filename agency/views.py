from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clients.selectors import clients_for_user
from offboarding.selectors import awaiting_decision, case_steps, next_step, open_cases_for_user

from . import health

AT_RISK_SHOWN = 5
CASES_SHOWN = 5


def dashboard(request):
    visible = clients_for_user(request.user)
    at_risk = (
        visible.exclude(status="offboarded")
        .filter(risk_score__gt=0)
        .select_related("account_lead")
        .order_by("-risk_score", "name")[:AT_RISK_SHOWN]
    )
    open_cases = open_cases_for_user(request.user)
    awaiting = awaiting_decision(request.user)  # its count is the nav's (context processor)
    return render(
        request,
        "agency/dashboard.html",
        {
            "at_risk": at_risk,
            "client_count": visible.count(),
            "awaiting": awaiting[:CASES_SHOWN],
            "open_cases": [
                (case, next_step(case_steps(case))) for case in open_cases[:CASES_SHOWN]
            ],
            "open_count": open_cases.count(),
            "now": timezone.now(),
        },
    )


@login_not_required
@require_GET
@never_cache
def healthz(request):
    checks = {"database": health.database_state(), "broker": health.broker_state()}
    healthy = all(state in ("ok", "eager") for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", **checks}, status=200 if healthy else 503
    )
