from django.urls import path

from cases.matching import views

app_name = "matching"

urlpatterns = [
    path("", views.match_list_view, name="list"),
    path("<int:pk>/request-access/", views.request_access_view, name="request_access"),
    path("access-requests/<int:pk>/grant/", views.grant_access_view, name="grant_access"),
]
