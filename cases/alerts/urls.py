from django.urls import path

from cases.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("sent/", views.sent, name="sent"),
    path("new/", views.create, name="create"),
    path("preferences/", views.preferences, name="preferences"),
    path("webhook/test/", views.webhook_test, name="webhook_test"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
]
