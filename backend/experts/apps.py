from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "backend.experts"
    label = "experts"
