from django.urls import path

from cases.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_list_view, name="list"),
    path("template.csv", views.import_template_view, {"fmt": "csv"}, name="template-csv"),
    path("template.xlsx", views.import_template_view, {"fmt": "xlsx"}, name="template-xlsx"),
    path("<int:pk>/", views.import_detail_view, name="detail"),
    path("<int:pk>/cancel/", views.import_cancel_view, name="cancel"),
    path("<int:pk>/confirm/", views.import_confirm_view, name="confirm"),
]
