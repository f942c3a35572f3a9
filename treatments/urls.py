from django.urls import path

from treatments.views import allergies, cocktails, events, lots, plans, sessions

urlpatterns = [
    path("formulations/", cocktails.formulation_list, name="formulation_list"),
    path("formulations/new/", cocktails.formulation_new, name="formulation_new"),
    path("formulations/preview/", cocktails.formulation_preview, name="formulation_preview"),
    path("formulations/<int:pk>/", cocktails.formulation_detail, name="formulation_detail"),
    path("formulations/<int:pk>/edit/", cocktails.formulation_edit, name="formulation_edit"),
    path("formulations/<int:pk>/acknowledge/", cocktails.formulation_acknowledge, name="formulation_acknowledge"),
    path("plans/new/", plans.plan_new, name="plan_new"),
    path("plans/preview/", plans.plan_preview, name="plan_preview"),
    path("plans/<uuid:pk>/plan.pdf", plans.plan_pdf, name="plan_pdf"),
    path("plans/<uuid:pk>/print/", plans.plan_print_preview, name="plan_print_preview"),
    path("plans/<uuid:pk>/activate/", plans.plan_activate, name="plan_activate"),
    path("sessions/<uuid:pk>/aftercare.pdf", sessions.aftercare_pdf, name="aftercare_pdf"),
    path("sessions/<uuid:pk>/aftercare/", sessions.aftercare_preview, name="aftercare_preview"),
    path("sessions/<uuid:pk>/handed-over/", sessions.aftercare_handed_over, name="aftercare_handed_over"),
    path("lots/", lots.lot_recall, name="lot_recall"),
    path("lots/search/", lots.lot_search, name="lot_search"),
    path("products/search/", lots.product_search, name="product_search"),
    path("sessions/<uuid:pk>/adverse-events/new/", events.adverse_event_new, name="adverse_event_new"),
    path("adverse-events/", events.adverse_event_list, name="adverse_event_list"),
    path("adverse-events/<int:pk>/", events.adverse_event_edit, name="adverse_event_edit"),
    path("suspected-allergies/<int:pk>/", events.suspected_allergy, name="suspected_allergy"),
    path("suspected-allergies/<int:pk>/confirm/", events.suspected_allergy_confirm, name="suspected_allergy_confirm"),
    path("suspected-allergies/<int:pk>/dismiss/", events.suspected_allergy_dismiss, name="suspected_allergy_dismiss"),
    path("unverified-allergies/<int:pk>/", allergies.unverified_allergy, name="unverified_allergy"),
    path("unverified-allergies/<int:pk>/link/", allergies.unverified_allergy_link, name="unverified_allergy_link"),
    path(
        "unverified-allergies/<int:pk>/not-relevant/",
        allergies.unverified_allergy_dismiss,
        name="unverified_allergy_dismiss",
    ),
]
