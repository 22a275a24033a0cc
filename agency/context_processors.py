from django.conf import settings


def agency(request) -> dict:
    return {"AGENCY_NAME": settings.AGENCY_NAME, "AGENCY_LOGO": settings.AGENCY_LOGO}
