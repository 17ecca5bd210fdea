from django.apps import AppConfig


class PlacementConfig(AppConfig):
    name = "backend.placement"
    label = "placement"
