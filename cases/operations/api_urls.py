from django.urls import path

from cases.operations import api

urlpatterns = [
    path("operations/", api.OperationListCreate.as_view(), name="api-operations"),
    path("operations/<int:pk>/", api.OperationDetail.as_view(), name="api-operation"),
    path("operations/<int:pk>/invite/", api.OperationInvite.as_view(), name="api-operation-invite"),
    path("operations/<int:pk>/respond/", api.OperationRespond.as_view(), name="api-operation-respond"),
    path("operations/<int:pk>/activate/", api.OperationActivate.as_view(), name="api-operation-activate"),
    path("operations/<int:pk>/close/", api.OperationClose.as_view(), name="api-operation-close"),
    path("operations/<int:pk>/cancel/", api.OperationCancel.as_view(), name="api-operation-cancel"),
    path("operations/<int:pk>/assignments/", api.OperationAssignments.as_view(), name="api-operation-assignments"),
    path("operations/<int:pk>/messages/", api.OperationMessages.as_view(), name="api-operation-messages"),
    path("operations/<int:pk>/report/", api.OperationReport.as_view(), name="api-operation-report"),
    path("operations/<int:pk>/report.csv", api.OperationReportCSV.as_view(), name="api-operation-report-csv"),
    path("operations/<int:pk>/link-seizure/", api.OperationLinkSeizure.as_view(), name="api-operation-link"),
    path("operations/<int:pk>/unlink-seizure/", api.OperationUnlinkSeizure.as_view(), name="api-operation-unlink"),
    path("assignments/<int:pk>/", api.AssignmentDetail.as_view(), name="api-assignment"),
]
