from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgencyConfig(AppConfig):
    name = "agency"
    verbose_name = _("Agency")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (login and failed-login audit events)
