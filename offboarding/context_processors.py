"""What every page's navigation shows of the offboarding workflow."""

from .selectors import awaiting_decision


def navigation(request) -> dict:
    """A manager sees how many proposals await their decision."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_manager:
        return {"nav_approvals_count": awaiting_decision(user).count()}
    return {}
