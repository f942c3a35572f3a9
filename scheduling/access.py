"""Fetching an appointment for the person asking; 404 for what they may not see."""

from uuid import UUID

from django.shortcuts import get_object_or_404

from scheduling.models import Appointment


def get_appointment_for_user(user, pk: UUID) -> Appointment:
    return get_object_or_404(
        Appointment.objects.visible_to(user).select_related(
            "patient", "practitioner", "room", "booked_by", "session__plan"
        ),
        pk=pk,
    )
