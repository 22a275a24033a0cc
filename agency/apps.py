from django.apps import AppConfig


class AgencyConfig(AppConfig):
    name = "agency"
    verbose_name = "Agency"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (login and failed-login audit events)
