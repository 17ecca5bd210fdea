from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "backend.engagements"
    label = "engagements"
