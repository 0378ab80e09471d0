from django.urls import path

from cases.lookouts import api

urlpatterns = [
    path("lookouts/", api.LookoutListView.as_view(), name="api-lookout-list"),
    path("lookouts/<int:pk>/", api.LookoutDetailView.as_view(), name="api-lookout-detail"),
    path("lookouts/<int:pk>/withdraw/", api.LookoutWithdrawView.as_view(), name="api-lookout-withdraw"),
    path("lookouts/<int:pk>/hits/", api.LookoutHitListView.as_view(), name="api-lookout-hits"),
    path(
        "lookouts/<int:pk>/hits/<int:hit>/request-access/",
        api.HitAccessRequestView.as_view(),
        name="api-lookout-hit-request-access",
    ),
]
