"""Named people for tests: alice and bob are patients with portal accounts, charlie works
at the front desk, derek is a dermatologist, margaret manages the clinic (staff)."""

import pytest
from django.conf import settings
from django.utils import translation

from clinic.roles import Role
from tests.factories import PatientFactory, UserFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests sign in people by the hundred.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def in_the_clinics_language():
    # A request in French leaves its thread in French (Django's LocaleMiddleware activates a
    # language and never resets it); a test calling functions directly starts in English.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def alice(db):
    return PatientFactory(
        first_name="Alice",
        last_name="Archer",
        portal_user=UserFactory(username="alice", role=Role.PATIENT),
        allergies="Lidocaine",
    )


@pytest.fixture
def bob(db):
    return PatientFactory(
        first_name="Bob", last_name="Baker", portal_user=UserFactory(username="bob", role=Role.PATIENT)
    )


@pytest.fixture
def charlie(db):
    return UserFactory(username="charlie", first_name="Charlie", role=Role.FRONT_DESK)


@pytest.fixture
def derek(db):
    return UserFactory(username="derek", first_name="Derek", role=Role.DERMATOLOGIST)


@pytest.fixture
def margaret(db):
    return UserFactory(username="margaret", is_staff=True, is_superuser=True)
