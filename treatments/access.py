"""Fetching cocktails, courses and sessions for the person asking; 404 for what they may
not see, as for what does not exist."""

from uuid import UUID

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from patients.models import Patient
from treatments.models import (
    AdverseEvent,
    Formulation,
    FormulationLine,
    PlanArea,
    SuspectedAllergy,
    TreatmentPlan,
    TreatmentSession,
    UnverifiedAllergy,
)

LINES_WITH_INGREDIENTS = Prefetch("lines", queryset=FormulationLine.objects.select_related("ingredient"))


def get_formulation_for_user(user, pk: int) -> Formulation:
    """The formulation if `user` may see it (and its patient)."""
    formulation = get_object_or_404(
        Formulation.objects.visible_to(user)
        .select_related("patient", "created_by")
        .prefetch_related(LINES_WITH_INGREDIENTS),
        pk=pk,
    )
    if formulation.patient and not Patient.objects.visible_to(user).filter(pk=formulation.patient_id).exists():
        raise Http404
    return formulation


def get_plan_for_user(user, pk: UUID) -> TreatmentPlan:
    return get_object_or_404(
        TreatmentPlan.objects.visible_to(user).select_related(
            "patient", "prescriber", "protocol", "formulation", "created_by"
        ),
        pk=pk,
    )


def get_plan_for_document(user, pk: UUID) -> TreatmentPlan:
    """The plan with what its printed version reads: sessions, areas, cocktail lines."""
    return get_object_or_404(
        TreatmentPlan.objects.visible_to(user)
        .select_related("patient", "formulation", "prescriber", "protocol")
        .prefetch_related(
            "sessions",
            Prefetch("areas", queryset=PlanArea.objects.select_related("area")),
            "formulation__lines__ingredient",
        ),
        pk=pk,
    )


def get_session_for_user(user, pk: UUID) -> TreatmentSession:
    return get_object_or_404(
        TreatmentSession.objects.visible_to(user).select_related(
            "plan__patient", "plan__formulation", "practitioner", "formulation", "recorded_by"
        ),
        pk=pk,
    )


def get_adverse_event_for_user(user, pk: int) -> AdverseEvent:
    return get_object_or_404(
        AdverseEvent.objects.visible_to(user).select_related("session__plan__patient", "recorded_by"), pk=pk
    )


def get_suspected_allergy_for_user(user, pk: int) -> SuspectedAllergy:
    return get_object_or_404(
        SuspectedAllergy.objects.visible_to(user)
        .select_related("patient", "session__plan", "session__formulation", "decided_by")
        .prefetch_related("ingredients"),
        pk=pk,
    )


def get_unverified_allergy_for_user(user, pk: int) -> UnverifiedAllergy:
    return get_object_or_404(
        UnverifiedAllergy.objects.visible_to(user).select_related("patient", "allergen", "resolved_by"), pk=pk
    )
