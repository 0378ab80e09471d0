from django.urls import path

from cases.reports import api

urlpatterns = [
    path("operations/<int:pk>/report.pdf", api.OperationReportPDF.as_view(), name="api-operation-report-pdf"),
    path("seizures/<str:pk>/report.pdf", api.SeizureReportPDF.as_view(), name="api-seizure-report-pdf"),
    path("controlled-deliveries/<int:pk>/report.pdf", api.DeliveryRecordPDF.as_view(), name="api-delivery-report-pdf"),
]
