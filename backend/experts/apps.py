from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "backend.experts"
    label = "experts"

    def ready(self):
        from backend.experts import mails  # noqa: F401  (registers the messages the mail worker builds)
