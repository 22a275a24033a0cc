from django.conf import settings


def agency(request):
    context = {"AGENCY_NAME": settings.AGENCY_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_manager:
        from offboarding.selectors import awaiting_decision

        context["nav_approvals_count"] = awaiting_decision(user).count()
    return context
