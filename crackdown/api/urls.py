"""/api/v1/: each app contributes its own routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("members.api_urls")),
    # Before the seizures: "seizures/<pk>/" would take "imports" for a seizure id.
    path("", include("cases.imports.api_urls")),
    path("", include("cases.seizures.api_urls")),
    path("", include("cases.operations.api_urls")),
    path("", include("cases.alerts.api_urls")),
    path("", include("cases.matching.api_urls")),
    path("", include("cases.deliveries.api_urls")),
    path("", include("cases.reports.api_urls")),
    path("", include("cases.lookouts.api_urls")),
    path("", include("cases.evidence.api_urls")),
    path("", include("cases.targeting.api_urls")),
    path("", include("cases.stats.api_urls")),
    path("", include("cases.audit.api_urls")),
]
