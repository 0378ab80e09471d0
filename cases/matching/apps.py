from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "cases.matching"
    label = "matching"

    def ready(self) -> None:
        # Registration imports: the seizure services call these hooks in their transaction
        # without importing matching (the apps contract in .importlinter: seizures below matching).
        from cases.matching import services
        from cases.seizures import hooks

        hooks.on_submitted(services.match_on_submit)
        hooks.on_identifiers_changed(services.match_seizure)
