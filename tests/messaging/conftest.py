from datetime import timedelta

import pytest
from django.utils import timezone

from tests.scheduling.conftest import concurrent_database  # noqa: F401  (a fixture, for the races)


def appointment_context(first_name: str = "Alice", start=None) -> dict:
    start = start or timezone.now().replace(second=0, microsecond=0) + timedelta(days=3)
    return {
        "first_name": first_name,
        "start": start,
        "end": start + timedelta(minutes=30),
        "practitioner": "Dr Derek Dubois",
        "room": "Room 1",
    }


@pytest.fixture
def send_on_commit(django_capture_on_commit_callbacks):
    """Run what commits as a real request would: the on-commit sends happen as the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
