from django.urls import path

from cases.targeting import views

app_name = "targeting"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("upload/", views.upload, name="upload"),
    path("lines/<int:pk>/", views.line_detail, name="line"),
    path("lines/<int:pk>/examine/", views.line_examine_view, name="examine"),
    path("lines/<int:pk>/status/", views.line_status_view, name="status"),
    path("lines/<int:pk>/alert/", views.line_alert_view, name="alert"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:pk>/", views.rule_edit, name="rule"),
    path("model/", views.model_page, name="model"),
    path("model/train/", views.model_train_view, name="train"),
    path("model/activate/", views.model_activate_view, name="activate"),
    path("model/settings/", views.settings_view, name="settings"),
]
