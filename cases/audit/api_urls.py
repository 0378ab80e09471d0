from django.urls import path

from cases.audit import api

urlpatterns = [
    path("audit/accesses/", api.AccessAuditView.as_view(), name="api-audit-accesses"),
]
