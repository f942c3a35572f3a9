"""Consent dates recorded before the consents app became paper signatures of the treatment
consent (consents 0003), and the patients lost the two columns (patients 0015)."""

from datetime import date

import pytest
from django.utils import timezone

from clinic.roles import Role
from consents.models import ConsentForm, ConsentSignature
from consents.signing import SYSTEM_USERNAME
from tests.factories import UserFactory
from tests.migrations import migrate

BEFORE = [("patients", "0014_labels_in_both_languages"), ("consents", "0002_seed_forms")]


def old_patient(old, first_name, *, signed_on, recorded_by=None, language="en"):
    return old.get_model("patients", "Patient").objects.create(
        first_name=first_name,
        last_name="Before",
        date_of_birth=date(1980, 1, 1),
        sex="female",
        name_key=f"before {first_name.lower()}",
        phone_digits="",
        preferred_language=language,
        consent_signed_on=signed_on,
        consent_recorded_by=recorded_by,
    )


# Serialized: the catalogue that migrations load comes back for the tests after this one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_consent_dates_become_paper_signatures_shown_on_the_chart(client):
    old = migrate(BEFORE)
    try:
        desk = old.get_model("clinic", "User").objects.create(username="desk.before", first_name="Dora")
        recorded = old_patient(old, "Ana", signed_on=date(2025, 3, 14), recorded_by=desk, language="fr")
        old_patient(old, "Eva", signed_on=date(2024, 1, 2))
        old_patient(old, "Ines", signed_on=None)
    finally:
        migrate([])

    signatures = {signature.patient.first_name: signature for signature in ConsentSignature.objects.all()}
    assert set(signatures) == {"Ana", "Eva"}
    ana = signatures["Ana"]
    assert ana.version == ConsentForm.objects.get(name="Mesotherapy treatment").versions.get(number=1)
    assert (ana.method, ana.channel, ana.language) == ("paper", "paper", "fr")
    assert timezone.localdate(ana.signed_at) == date(2025, 3, 14)
    assert ana.recorded_by.username == "desk.before"
    assert signatures["Eva"].recorded_by.username == SYSTEM_USERNAME
    assert not signatures["Eva"].recorded_by.is_active

    client.force_login(UserFactory(role=Role.FRONT_DESK))
    page = client.get(f"/patients/{recorded.pk}/").content.decode()
    assert "Signed 14/03/2025, version 1" in page
    assert "paper, recorded by Dora" in page
