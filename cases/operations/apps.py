from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "cases.operations"
    label = "operations"

    def ready(self) -> None:
        # Registration import: the renderers of this app's alert notices (cases/alerts/texts.py),
        # needed wherever an alert is read, e-mailed or sent, web or worker.
        from cases.operations import notices  # noqa: F401

        # Registration imports (AppConfig.ready): the layout's navigation entries of this app.
        from crackdown import navigation
        from members.permissions import is_agency_user

        navigation.register(order=30, label=_("Operations"), url_name="operations:list", allowed=is_agency_user)
