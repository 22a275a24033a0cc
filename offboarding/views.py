from django.core.exceptions import PermissionDenied
from django.shortcuts import render


def case_list(request):
    return render(request, "offboarding/case_list.html", {})


def approvals(request):
    if not request.user.is_manager:
        raise PermissionDenied("Only managers decide on terminations.")
    return render(request, "offboarding/approvals.html", {})
