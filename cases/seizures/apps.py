from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeizuresConfig(AppConfig):
    name = "cases.seizures"
    label = "seizures"

    def ready(self) -> None:
        # Registration import: the renderers of this app's alert notices (cases/alerts/texts.py),
        # needed wherever an alert is read, e-mailed or sent, web or worker.
        from cases.seizures import notices  # noqa: F401

        # Registration imports (AppConfig.ready): the layout's navigation entries of this app.
        from crackdown import navigation
        from members.permissions import is_agency_user

        navigation.register(order=20, label=_("Seizures"), url_name="seizures:list", allowed=is_agency_user)
