from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CrackdownConfig(AppConfig):
    name = "crackdown"
    verbose_name = "Crackdown"

    def ready(self) -> None:
        from crackdown.db import use_psycopg_timestamptz

        connection_created.connect(use_psycopg_timestamptz, dispatch_uid="crackdown.use_psycopg_timestamptz")
