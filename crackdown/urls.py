from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from crackdown import metrics, views
from crackdown.api.schema import SchemaView

urlpatterns = [
    path("", include("cases.stats.urls")),
    path("healthz", views.healthz, name="healthz"),
    # Pages name the icon; browsers and the admin still ask for /favicon.ico.
    path("favicon.ico", views.favicon, name="favicon"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("accounts/agency/audit/", include("cases.audit.urls")),
    path("accounts/", include("members.urls")),
    path("seizures/imports/", include("cases.imports.urls")),
    path("seizures/", include("cases.seizures.urls")),
    path("", include("cases.evidence.urls")),
    path("operations/", include("cases.operations.urls")),
    path("alerts/", include("cases.alerts.urls")),
    path("matches/", include("cases.matching.urls")),
    path("controlled-deliveries/", include("cases.deliveries.urls")),
    path("lookouts/", include("cases.lookouts.urls")),
    path("targeting/", include("cases.targeting.urls")),
    path("i18n/", include("members.i18n_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("crackdown.api.urls")),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

handler403 = "crackdown.views.permission_denied"
handler404 = "crackdown.views.page_not_found"
