from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from crackdown import views

urlpatterns = [
    path("", include("cases.stats.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/agency/audit/", include("cases.audit.urls")),
    path("accounts/", include("members.urls")),
    path("seizures/", include("cases.seizures.urls")),
    path("operations/", include("cases.operations.urls")),
    path("alerts/", include("cases.alerts.urls")),
    path("matches/", include("cases.matching.urls")),
    path("i18n/", include("members.i18n_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("crackdown.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

handler403 = "crackdown.views.permission_denied"
handler404 = "crackdown.views.page_not_found"
