from django.urls import path

from cases.deliveries import api

urlpatterns = [
    path("controlled-deliveries/", api.DeliveryListCreate.as_view(), name="api-deliveries"),
    path("controlled-deliveries/<int:pk>/", api.DeliveryDetail.as_view(), name="api-delivery"),
    path("controlled-deliveries/<int:pk>/respond/", api.DeliveryRespond.as_view(), name="api-delivery-respond"),
    path("controlled-deliveries/<int:pk>/depart/", api.DeliveryDepart.as_view(), name="api-delivery-depart"),
    path("controlled-deliveries/<int:pk>/handover/", api.DeliveryHandover.as_view(), name="api-delivery-handover"),
    path("controlled-deliveries/<int:pk>/complete/", api.DeliveryComplete.as_view(), name="api-delivery-complete"),
    path("controlled-deliveries/<int:pk>/abort/", api.DeliveryAbort.as_view(), name="api-delivery-abort"),
]
