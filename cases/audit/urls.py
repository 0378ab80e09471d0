from django.urls import path

from cases.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.audit, name="page"),
    path("export.csv", views.audit_export, name="export"),
]
