from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "backend.intake"
    label = "intake"
