"""Named people for tests: alice and bob are patients with portal accounts, charlie works
at the front desk, derek is a dermatologist, margaret manages the clinic (staff)."""

import pytest
from django.conf import settings
from django.utils import translation

from clinic.roles import Role
from tests.factories import PatientFactory, UserFactory

pytest_plugins = ["tests.smtp"]


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


@pytest.fixture(autouse=True, scope="session")
def jobs_run_at_once():
    # Tasks run in the test's own thread as they are enqueued (huey's immediate mode, with
    # its memory storage): a message committed in a test is sent before the call returns.
    # tests/messaging/test_consumer.py runs a real consumer beside.
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield
    HUEY.immediate = False
