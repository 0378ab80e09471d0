from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "cases.matching"
    label = "matching"

    def ready(self) -> None:
        # Registration import: the renderers of this app's alert notices (cases/alerts/texts.py),
        # needed wherever an alert is read, e-mailed or sent, web or worker.
        # Registration imports: the seizure services call these hooks in their transaction
        # without importing matching (the apps contract in .importlinter: seizures below matching).
        from cases.matching import (
            notices,  # noqa: F401
            services,
        )
        from cases.seizures import hooks

        hooks.on_submitted(services.match_on_submit)
        hooks.on_identifiers_changed(services.match_seizure)
        # Registration imports (AppConfig.ready): the layout's navigation entries of this app.
        from crackdown import navigation
        from members.permissions import is_agency_user

        navigation.register(order=50, label=_("Matches"), url_name="matching:list", allowed=is_agency_user)
