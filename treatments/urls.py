from django.urls import path

from treatments import views

urlpatterns = [
    path("formulations/", views.formulation_list, name="formulation_list"),
    path("formulations/new/", views.formulation_new, name="formulation_new"),
    path("formulations/preview/", views.formulation_preview, name="formulation_preview"),
    path("formulations/<int:pk>/", views.formulation_detail, name="formulation_detail"),
    path("formulations/<int:pk>/edit/", views.formulation_edit, name="formulation_edit"),
    path("formulations/<int:pk>/acknowledge/", views.formulation_acknowledge, name="formulation_acknowledge"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/preview/", views.plan_preview, name="plan_preview"),
    path("plans/<uuid:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<uuid:pk>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("plans/<uuid:pk>/print/", views.plan_print_preview, name="plan_print_preview"),
    path("plans/<uuid:pk>/stop/", views.plan_stop, name="plan_stop"),
    path("plans/<uuid:pk>/activate/", views.plan_activate, name="plan_activate"),
    path("sessions/<uuid:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<uuid:pk>/amend/", views.session_amend, name="session_amend"),
    path("sessions/<uuid:pk>/aftercare.pdf", views.aftercare_pdf, name="aftercare_pdf"),
    path("sessions/<uuid:pk>/aftercare/", views.aftercare_preview, name="aftercare_preview"),
    path("sessions/<uuid:pk>/handed-over/", views.aftercare_handed_over, name="aftercare_handed_over"),
    path("today/print/", views.today_print, name="today_print"),
    path("lots/", views.lot_recall, name="lot_recall"),
]
