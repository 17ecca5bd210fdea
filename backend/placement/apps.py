from django.apps import AppConfig


class PlacementConfig(AppConfig):
    name = "backend.placement"
    label = "placement"

    def ready(self):
        # The writes of the apps below that can bring an incumbent conflict call back here (backend.core.hooks).
        from backend.placement.conflicts import hooks_register

        hooks_register()
