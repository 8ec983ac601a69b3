from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samverkan.core"
    label = "core"
    verbose_name = "Samverkan: organisationer och områden"
