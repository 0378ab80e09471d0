from django.urls import path

from cases.seizures import views

app_name = "seizures"

urlpatterns = [
    path("", views.seizure_list_view, name="list"),
    path("new/", views.seizure_create_view, name="create"),
    path("export.csv", views.seizure_export_view, name="export"),
    path("<int:pk>/", views.seizure_detail_view, name="detail"),
    path("<int:pk>/edit/", views.seizure_edit_view, name="edit"),
    path("<int:pk>/submit/", views.seizure_submit_view, name="submit"),
    path("<int:pk>/verify/", views.seizure_verify_view, name="verify"),
    path("<int:pk>/delete/", views.seizure_delete_view, name="delete"),
]
