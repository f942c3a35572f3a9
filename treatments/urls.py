from django.urls import path

from treatments import views

urlpatterns = [
    path("formulations/", views.formulation_list, name="formulation_list"),
    path("formulations/new/", views.formulation_new, name="formulation_new"),
    path("formulations/preview/", views.formulation_preview, name="formulation_preview"),
    path("formulations/<int:pk>/", views.formulation_detail, name="formulation_detail"),
    path("formulations/<int:pk>/edit/", views.formulation_edit, name="formulation_edit"),
    path("formulations/<int:pk>/acknowledge/", views.formulation_acknowledge, name="formulation_acknowledge"),
]
