from django.urls import path

from cases.imports import api

# Included before the seizure routes: "seizures/<pk>/" would take "imports" as a seizure id.
urlpatterns = [
    path("seizures/imports/", api.SeizureImportListView.as_view(), name="api-seizure-imports"),
    path("seizures/imports/<int:pk>/", api.SeizureImportDetailView.as_view(), name="api-seizure-import"),
    path("seizures/imports/<int:pk>/cancel/", api.SeizureImportCancelView.as_view(), name="api-seizure-import-cancel"),
    path(
        "seizures/imports/<int:pk>/confirm/", api.SeizureImportConfirmView.as_view(), name="api-seizure-import-confirm"
    ),
]
