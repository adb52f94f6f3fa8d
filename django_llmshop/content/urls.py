"""URLs of the content sub-app's HTMX partials, under ``llmshop/content/``."""

from django.urls import path

from django_llmshop.content import views

app_name = "content"

urlpatterns = [
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
]
