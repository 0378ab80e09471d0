from django.urls import path, re_path

from cases.operations import views

app_name = "operations"

urlpatterns = [
    path("", views.operation_list, name="list"),
    path("new/", views.operation_create, name="create"),
    path("<int:pk>/", views.operation_board, name="board"),
    path("<int:pk>/edit/", views.operation_edit, name="edit"),
    path("<int:pk>/invite/", views.operation_invite, name="invite"),
    path("<int:pk>/respond/", views.operation_respond, name="respond"),
    re_path(r"^(?P<pk>[0-9]+)/(?P<move>activate|close|cancel)/$", views.operation_move, name="move"),
    path("<int:pk>/assignments/", views.assignment_create, name="assignment_create"),
    path("<int:pk>/assignments/<int:assignment_pk>/", views.assignment_update, name="assignment_update"),
    path("<int:pk>/messages/", views.operation_messages, name="messages"),
    path("<int:pk>/seizures/link/", views.seizure_link, name="seizure_link"),
    path("<int:pk>/seizures/unlink/", views.seizure_unlink, name="seizure_unlink"),
    path("<int:pk>/report/", views.operation_report, name="report"),
    path("<int:pk>/report.csv", views.operation_report_csv, name="report_csv"),
]
