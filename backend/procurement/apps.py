from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "backend.procurement"
    label = "procurement"
