from django.apps import AppConfig


class SeizuresConfig(AppConfig):
    name = "cases.seizures"
    label = "seizures"
