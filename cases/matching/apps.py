from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "cases.matching"
    label = "matching"
