from django.urls import path

from . import intake_views

urlpatterns = [
    path("patients/<uuid:pk>/questionnaire/", intake_views.intake_review, name="intake_review"),
    path("intake-proposals/<int:pk>/accept/", intake_views.intake_proposal_accept, name="intake_proposal_accept"),
    path("intake-proposals/<int:pk>/dismiss/", intake_views.intake_proposal_dismiss, name="intake_proposal_dismiss"),
]
