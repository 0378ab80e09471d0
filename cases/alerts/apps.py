from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "cases.alerts"
    label = "alerts"

    def ready(self) -> None:
        # Registration import: the outbox queues these tasks by name (it cannot import them:
        # the escalation task publishes through the outbox), so they must be registered in
        # every process that publishes, worker or web.
        from cases.alerts import tasks  # noqa: F401
