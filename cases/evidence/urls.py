from django.urls import path

from cases.evidence import views

app_name = "evidence"

urlpatterns = [
    path("seizures/<int:pk>/evidence/", views.evidence_page, name="page"),
    path("seizures/<int:pk>/evidence/upload/", views.evidence_upload_view, name="upload"),
    path("seizures/<int:pk>/custody/", views.custody_add_view, name="custody"),
    path("evidence/<int:pk>/download/", views.download_view, name="download"),
    path("evidence/<int:pk>/thumbnail/", views.thumbnail_view, name="thumbnail"),
    path("evidence/<int:pk>/delete/", views.delete_view, name="delete"),
]
