from django.urls import path

from cases.seizures.api import SeizureViewSet


def _action(name: str):
    """An @action's view with its own settings (renderers, pagination), as a router would build it."""
    method = getattr(SeizureViewSet, name)
    return SeizureViewSet.as_view(dict.fromkeys(method.mapping, name), **method.kwargs)


urlpatterns = [
    path("seizures/", SeizureViewSet.as_view({"get": "list", "post": "create"}), name="api-seizures"),
    path("seizures/export.csv", _action("export"), name="api-seizures-export"),
    path(
        "seizures/<str:pk>/",
        SeizureViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"}),
        name="api-seizure",
    ),
    path("seizures/<str:pk>/submit/", _action("submit"), name="api-seizure-submit"),
    path("seizures/<str:pk>/verify/", _action("verify"), name="api-seizure-verify"),
    path("seizures/<str:pk>/history/", _action("history"), name="api-seizure-history"),
]
