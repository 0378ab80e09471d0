from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "cases.alerts"
    label = "alerts"
