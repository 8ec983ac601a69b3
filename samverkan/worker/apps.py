from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "samverkan.worker"
    label = "worker"
    verbose_name = "Samverkan: bakgrundsarbetare"
