from django.urls import path

from cases.stats import api

urlpatterns = [
    path("stats/seizures/", api.SeizureStatsView.as_view(), name="api-stats-seizures"),
    path("stats/origin-share/", api.OriginShareView.as_view(), name="api-stats-origin-share"),
]
