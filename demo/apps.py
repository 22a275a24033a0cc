from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Development data only (`demo_data`, `seed_volume`): no models, and it writes
    through the apps' services, never around them."""

    name = "demo"
    verbose_name = "Demo data"
