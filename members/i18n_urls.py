"""The language switch of the layout: /i18n/setlang/ (Django's set_language, saved to the user)."""

from django.urls import path

from members import views

urlpatterns = [
    path("setlang/", views.set_language, name="set_language"),
]
