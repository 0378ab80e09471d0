from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    """Evidence files and the chain of custody of a seizure (shown on the seizure's pages)."""

    name = "cases.evidence"
    label = "evidence"

    def ready(self) -> None:
        # Registration imports (AppConfig.ready): a draft's files leave storage with it.
        from cases.evidence import signals  # noqa: F401
