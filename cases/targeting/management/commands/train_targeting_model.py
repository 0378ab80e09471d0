from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max

from cases.targeting.models import ModelStatus, ModelVersion
from cases.targeting.training import train_version
from members.models import Agency


class Command(BaseCommand):
    help = (
        "Train a new targeting model version for an agency from its examination results (runs here, not on a worker)."
    )

    def add_arguments(self, parser):
        parser.add_argument("agency", help="Agency code, e.g. KCS")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, **options):
        agency = Agency.objects.filter(code=options["agency"].upper()).first()
        if agency is None:
            raise CommandError(f"No agency {options['agency']!r}.")
        if ModelVersion.objects.filter(agency=agency, status=ModelStatus.TRAINING).exists():
            raise CommandError("A model is already being trained for this agency.")
        number = (ModelVersion.objects.filter(agency=agency).aggregate(n=Max("version"))["n"] or 0) + 1
        version = ModelVersion.objects.create(agency=agency, version=number, seed=options["seed"])
        result = train_version(version.pk)
        assert result is not None
        if result.status != ModelStatus.READY:
            raise CommandError(f"Training failed: {result.error}")
        metrics = result.metrics
        self.stdout.write(
            f"{agency.code} model version {result.version}: {result.training_rows} labelled lines, "
            f"ROC AUC {metrics.get('roc_auc')}, precision at top 1 % {metrics.get('precision_at_1pct')}, "
            f"base rate {metrics.get('base_rate')}; now active."
        )
