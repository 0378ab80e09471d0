from django.urls import path

from cases.deliveries import views

app_name = "deliveries"

urlpatterns = [
    path("", views.delivery_list, name="list"),
    path("new/", views.delivery_create, name="create"),
    path("<int:pk>/", views.delivery_detail, name="detail"),
    path("<int:pk>/respond/", views.delivery_respond, name="respond"),
    path("<int:pk>/depart/", views.delivery_depart, name="depart"),
    path("<int:pk>/handover/", views.delivery_handover, name="handover"),
    path("<int:pk>/complete/", views.delivery_complete, name="complete"),
    path("<int:pk>/abort/", views.delivery_abort, name="abort"),
]
