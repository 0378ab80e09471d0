from django.urls import path

from cases.lookouts import views

app_name = "lookouts"

urlpatterns = [
    path("", views.lookout_list_view, name="list"),
    path("new/", views.lookout_create_view, name="create"),
    path("from-seizure/<int:seizure_pk>/", views.lookout_from_seizure_view, name="from_seizure"),
    path("<int:pk>/", views.lookout_detail_view, name="detail"),
    path("<int:pk>/edit/", views.lookout_edit_view, name="edit"),
    path("<int:pk>/withdraw/", views.lookout_withdraw_view, name="withdraw"),
    path("<int:pk>/retro/", views.lookout_retro_view, name="retro"),
    path("<int:pk>/hits/<int:hit>/request-access/", views.hit_request_access_view, name="request_access"),
]
