from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Registered for its management command, seed_demo."""

    name = "backend.demo"
    verbose_name = "demo"
