"""The project's URLconf plus one API route that has no permission row (see test_url_matrix)."""

from django.http import HttpResponse
from django.urls import include, path

urlpatterns = [
    path("", include("crackdown.urls")),
    path("api/v1/unlisted/", lambda request: HttpResponse("")),
]
