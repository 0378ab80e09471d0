from django.urls import path

from members import api

urlpatterns = [
    path("auth/login/", api.LoginView.as_view(), name="api-login"),
    path("auth/logout/", api.LogoutView.as_view(), name="api-logout"),
    path("me/", api.MeView.as_view(), name="api-me"),
    path("agencies/", api.AgencyListView.as_view(), name="api-agencies"),
    path("agencies/<str:code>/", api.AgencyDetailView.as_view(), name="api-agency"),
    path("agencies/<str:code>/settings/", api.AgencySettingsView.as_view(), name="api-agency-settings"),
    path("users/", api.UserListView.as_view(), name="api-users"),
    path("users/<int:pk>/", api.UserDetailView.as_view(), name="api-user"),
]
