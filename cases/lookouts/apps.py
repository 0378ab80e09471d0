from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LookoutsConfig(AppConfig):
    name = "cases.lookouts"
    label = "lookouts"
    verbose_name = _("Lookouts")

    def ready(self) -> None:
        # Registration imports: the seizure services call these hooks in their transaction
        # without importing lookouts (the apps contract in .importlinter: seizures below lookouts).
        from cases.lookouts import watch
        from cases.seizures import hooks

        hooks.on_submitted(watch.hits_on_submit)
        hooks.on_identifiers_changed(watch.hits_on_identifiers_changed)
        # Registration imports (AppConfig.ready): the layout's navigation entries of this app.
        from crackdown import navigation
        from members.permissions import is_agency_user

        navigation.register(order=55, label=_("Lookouts"), url_name="lookouts:list", allowed=is_agency_user)
