from django.apps import AppConfig


class CrackdownConfig(AppConfig):
    name = "crackdown"
    verbose_name = "Crackdown"
