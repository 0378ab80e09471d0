from django.urls import path

from cases.evidence import api

urlpatterns = [
    path("seizures/<str:pk>/evidence/", api.SeizureEvidenceView.as_view(), name="api-seizure-evidence"),
    path("seizures/<str:pk>/custody/", api.SeizureCustodyView.as_view(), name="api-seizure-custody"),
    path("seizures/<str:pk>/custody/<str:entry>/", api.CustodyEntryView.as_view(), name="api-custody-entry"),
    path("evidence/<str:pk>/", api.EvidenceDetailView.as_view(), name="api-evidence"),
    path("evidence/<str:pk>/download/", api.EvidenceDownloadView.as_view(), name="api-evidence-download"),
]
