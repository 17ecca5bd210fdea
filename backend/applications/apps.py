from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "backend.applications"
    label = "applications"

    def ready(self):
        from backend.applications import mails  # noqa: F401  (registers the messages the mail worker builds)
