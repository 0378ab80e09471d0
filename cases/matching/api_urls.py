from django.urls import path

from cases.matching import api

urlpatterns = [
    path("matches/", api.MatchListView.as_view(), name="api-match-list"),
    path("matches/<int:pk>/request-access/", api.MatchAccessRequestView.as_view(), name="api-match-request-access"),
]
