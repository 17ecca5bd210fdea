from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "backend.audit"
    label = "kenmu_audit"  # "audit" is too generic a label to claim among third-party apps
    verbose_name = "kenmu audit log"
