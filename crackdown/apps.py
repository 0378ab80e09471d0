from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CrackdownConfig(AppConfig):
    name = "crackdown"
    verbose_name = "Crackdown"

    def ready(self) -> None:
        from crackdown.db import use_psycopg_timestamptz

        connection_created.connect(use_psycopg_timestamptz, dispatch_uid="crackdown.use_psycopg_timestamptz")

        # A string field of the API takes a JSON string, as the OpenAPI schema says.
        from crackdown.api.strict import use_strict_strings

        use_strict_strings()

        # Error reporting and tracing, each only when its environment variable is set.
        from crackdown import observability

        observability.init_sentry()
        observability.init_tracing()

        # Registration imports: the Celery tasks' timings for /metrics (crackdown/metrics.py).
        from celery import signals

        from crackdown import metrics

        signals.before_task_publish.connect(metrics.stamp_sent_at, dispatch_uid="crackdown.metrics.sent_at")
        signals.task_prerun.connect(metrics.task_started, dispatch_uid="crackdown.metrics.started")
        signals.task_postrun.connect(metrics.task_finished, dispatch_uid="crackdown.metrics.finished")
