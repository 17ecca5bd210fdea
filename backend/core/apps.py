from django.apps import AppConfig
from django.db.models.signals import post_migrate

from backend.core.changes import install_triggers


class CoreConfig(AppConfig):
    name = "backend.core"
    label = "core"
    verbose_name = "kenmu"

    def ready(self) -> None:
        # After every migrate (sent once per app; core's is enough): a table that a migration added gets its change
        # trigger too (backend/core/changes.py).
        post_migrate.connect(install_triggers, sender=self, dispatch_uid="kenmu-change-triggers")
