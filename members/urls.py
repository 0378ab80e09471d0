from django.urls import path

from members import otp, views

app_name = "members"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("security/", views.security, name="security"),
    path("settings/", views.my_settings, name="settings"),
    path("otp/setup/", otp.otp_setup, name="otp_setup"),
    path("otp/verify/", otp.otp_verify, name="otp_verify"),
    path("agency/", views.agency, name="agency"),
    path("agency/settings/", views.agency_settings, name="agency_settings"),
    path("agency/users/add/", views.user_add, name="user_add"),
    path("agency/users/<int:pk>/", views.user_edit, name="user_edit"),
    path("agencies/", views.platform_agencies, name="platform_agencies"),
    path("agencies/<str:code>/active/", views.platform_agency_active, name="platform_agency_active"),
]
