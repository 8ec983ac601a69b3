from django.apps import AppConfig


class DemoConfig(AppConfig):
    # Only the load_demo command; no models. Its own app so that core need not import the
    # domain apps it fills (docs/operations.md, Architecture).
    name = "samverkan.demo"
    label = "demo"
    verbose_name = "Samverkan: demodata"
