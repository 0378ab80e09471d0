from django.urls import path

from cases.targeting import api

urlpatterns = [
    path("manifests/", api.ManifestBatchView.as_view(), name="api-manifests"),
    path("manifests/lines/", api.LineListView.as_view(), name="api-manifest-lines"),
    path("manifests/lines/<int:pk>/", api.LineDetailView.as_view(), name="api-manifest-line"),
    path("manifests/lines/<int:pk>/examine/", api.LineExamineView.as_view(), name="api-manifest-line-examine"),
    path("manifests/lines/<int:pk>/alert/", api.LineAlertView.as_view(), name="api-manifest-line-alert"),
    path("manifests/lines/<int:pk>/target/", api.LineStatusView.as_view(), name="api-manifest-line-target"),
    path("manifests/lines/<int:pk>/clear/", api.LineClearView.as_view(), name="api-manifest-line-clear"),
    path("targeting/rules/", api.RuleListView.as_view(), name="api-targeting-rules"),
    path("targeting/rules/preview/", api.RulePreviewView.as_view(), name="api-targeting-rule-preview"),
    path("targeting/rules/<int:pk>/", api.RuleDetailView.as_view(), name="api-targeting-rule"),
    path("targeting/rules/<int:pk>/history/", api.RuleHistoryView.as_view(), name="api-targeting-rule-history"),
    path("targeting/model/", api.ModelView.as_view(), name="api-targeting-model"),
    path("targeting/model/train/", api.ModelTrainView.as_view(), name="api-targeting-model-train"),
    path("targeting/model/activate/", api.ModelActivateView.as_view(), name="api-targeting-model-activate"),
    path("targeting/settings/", api.SettingsView.as_view(), name="api-targeting-settings"),
]
