from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "cases.operations"
    label = "operations"
