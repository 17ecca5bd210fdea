from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "backend.needs"
    label = "needs"
