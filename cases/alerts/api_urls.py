from django.urls import path

from cases.alerts import api

urlpatterns = [
    path("alerts/", api.AlertListCreate.as_view(), name="api-alerts"),
    path("alerts/<int:pk>/", api.AlertDetail.as_view(), name="api-alert"),
    path("alerts/<int:pk>/acknowledge/", api.AlertAcknowledge.as_view(), name="api-alert-acknowledge"),
]
