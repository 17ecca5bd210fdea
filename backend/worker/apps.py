from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "backend.worker"
    label = "worker"
