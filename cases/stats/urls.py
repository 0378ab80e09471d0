from django.urls import path

from cases.stats import views

urlpatterns = [
    path("", views.home, name="home"),
]
