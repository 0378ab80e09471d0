from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "cases.alerts"
    label = "alerts"

    def ready(self) -> None:
        # Registration import: the renderers of this app's alert notices (cases/alerts/texts.py),
        # needed wherever an alert is read, e-mailed or sent, web or worker.
        # Registration import: the outbox queues these tasks by name (it cannot import them:
        # the escalation task publishes through the outbox), so they must be registered in
        # every process that publishes, worker or web.
        # Registration imports: the outbox's numbers on /metrics, the notices' renderers, the tasks.
        from cases.alerts import (
            metrics,
            notices,  # noqa: F401
            tasks,  # noqa: F401
        )
        from crackdown import metrics as platform_metrics

        # Registration imports (AppConfig.ready): the layout's navigation entries of this app.
        from crackdown import navigation
        from members.permissions import is_agency_user

        platform_metrics.register("alerts", metrics.collect)

        navigation.register(order=40, label=_("Alerts"), url_name="alerts:inbox", allowed=is_agency_user)
