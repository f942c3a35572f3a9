"""The immediate reaction as the dermatologist records it (several signs at once), what it
leaves for the next session (a warning), and the allergy a severe reaction makes suspected:
its ingredients are blocked until a dermatologist confirms or dismisses it."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import ProductFactory, TreatmentPlanFactory, record_visit_of
from treatments import records, safety
from treatments.models import Allergy, Ingredient, SuspectedAllergy, TreatmentArea, TreatmentSession
from treatments.overrides import OverrideNeeded

REDNESS, SWELLING = TreatmentSession.Reaction.REDNESS, TreatmentSession.Reaction.SWELLING
URTICARIA, ANAPHYLAXIS = TreatmentSession.Reaction.URTICARIA, TreatmentSession.Reaction.ANAPHYLAXIS
PLAIN_REASON = "Redness settled overnight, as the patient told us by phone."


def a_fortnight_ago() -> datetime:
    day = timezone.localdate() - timedelta(days=14)
    return timezone.make_aware(datetime.combine(day, time(10)))


@pytest.fixture
def course(alice, derek, time_machine):
    """Alice's zinc course, planned a fortnight ago to start that day: session 1 was due then,
    session 2 now."""
    now = timezone.now()
    time_machine.move_to(a_fortnight_ago())
    plan = TreatmentPlanFactory(patient=alice, created_by=derek)
    time_machine.move_to(now)
    return plan


def first_session_with(course, derek, *reactions, notes=""):
    first = course.sessions.get(number=1)
    return record_visit_of(first, by=derek, done_at=a_fortnight_ago(), reactions=list(reactions), reaction_notes=notes)


def record_form(client, session, derek, **changes) -> dict:
    form = client.get(f"/sessions/{session.pk}/").context["record"]
    data = {
        "done_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "practitioner": str(derek.pk),
        "formulation": str(form.initial["formulation"].pk),
        "reactions": [REDNESS, SWELLING],
        "reaction_notes": "",
        "notes": "",
        "areas-TOTAL_FORMS": "1",
        "areas-INITIAL_FORMS": "1",
        "areas-0-area": str(TreatmentArea.objects.get(name="Face").pk),
        "areas-0-volume_ml": "2",
        "areas-0-technique": "nappage",
        "lots-TOTAL_FORMS": "1",
        "lots-INITIAL_FORMS": "0",
        "lots-0-product": ProductFactory(name="HA vial").name,
        "lots-0-lot_number": "LOT-1",
        "lots-0-expiry_date": str(timezone.localdate() + timedelta(days=300)),
    }
    return data | changes


# --- Several signs at once ----------------------------------------------------------------------


def test_the_record_form_takes_redness_and_swelling_together_and_the_page_shows_their_labels(client, derek, course):
    session = course.sessions.get(number=1)
    client.force_login(derek)

    response = client.post(f"/sessions/{session.pk}/", record_form(client, session, derek))

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.reactions == [REDNESS, SWELLING]
    assert "Redness, Swelling" in client.get(f"/sessions/{session.pk}/").content.decode()


@pytest.mark.parametrize(
    ("reactions", "field", "message"),
    [
        ([], "reactions", "Record the immediate reaction (or none)."),
        (["none", REDNESS], "reactions", "“None” cannot go with a reaction: untick one."),
        (["sneezing"], "reactions", "Select a valid choice. sneezing is not one of the available choices."),
        (["other"], "reaction_notes", "Describe the reaction."),
    ],
)
def test_an_impossible_reaction_is_refused_by_its_field(client, derek, course, reactions, field, message):
    session = course.sessions.get(number=1)
    client.force_login(derek)

    response = client.post(f"/sessions/{session.pk}/", record_form(client, session, derek, reactions=reactions))

    assert response.status_code == 200
    assert message in response.context["record"].errors[field]
    session.refresh_from_db()
    assert not session.is_done


def test_the_amendment_form_adds_a_sign_and_its_log_reads_labels(client, derek, course):
    session = first_session_with(course, derek, REDNESS)
    client.force_login(derek)

    client.post(
        f"/sessions/{session.pk}/amend/",
        {
            "done_at": timezone.localtime(session.done_at).strftime("%Y-%m-%dT%H:%M"),
            "practitioner": session.practitioner.pk,
            "amendments_seen": 0,
            "reactions": [REDNESS, SWELLING],
            "reaction_notes": "",
            "notes": "",
            "reason": "Swelling seen once the patient sat up",
        },
    )

    session.refresh_from_db()
    assert session.reactions == [REDNESS, SWELLING]
    assert session.amendments.get().changes["reactions"] == ["Redness", "Redness, Swelling"]
    assert "“Redness” → “Redness, Swelling”" in client.get(f"/sessions/{session.pk}/").content.decode()


def test_the_history_shows_reactions_by_their_labels(client, derek, alice, course):
    first_session_with(course, derek, REDNESS, SWELLING)
    client.force_login(derek)

    page = client.get(f"/patients/{alice.pk}/history/").content.decode()

    # A planned session has no reaction yet; recording it gives its signs.
    assert "Immediate reaction: “” → “Redness, Swelling”" in page
    assert "redness&#x27;" not in page


# --- What the next session sees ---------------------------------------------------------------


def test_a_reaction_shows_on_the_next_sessions_page_as_a_warning(client, derek, course):
    first_session_with(course, derek, REDNESS, SWELLING, notes="both cheeks")
    second = course.sessions.get(number=2)
    client.force_login(derek)

    response = client.get(f"/sessions/{second.pk}/")

    [warning] = [finding for finding in response.context["findings"] if finding.key.startswith("reaction:")]
    assert not warning.is_block
    assert warning.reason.startswith("Reaction at the previous session: Redness, Swelling (both cheeks), session 1")
    assert "Reaction at the previous session: Redness, Swelling" in response.content.decode()


def test_the_next_session_is_recorded_only_once_the_reaction_is_acknowledged(derek, course):
    first_session_with(course, derek, SWELLING)
    second = course.sessions.get(number=2)

    with pytest.raises(safety.MissingAcknowledgement) as missing:
        record_visit_of(second, by=derek)
    assert [finding.reason.split(":")[0] for finding in missing.value.findings] == ["Reaction at the previous session"]

    record_visit_of(second, by=derek, acknowledgement_reason=PLAIN_REASON)
    second.refresh_from_db()
    assert second.is_done


def test_no_reaction_leaves_nothing_for_the_next_session(client, derek, course):
    first_session_with(course, derek, TreatmentSession.Reaction.NONE)
    client.force_login(derek)

    findings = client.get(f"/sessions/{course.sessions.get(number=2).pk}/").context["findings"]

    assert not [finding for finding in findings if finding.key.startswith("reaction:")]


def test_a_sessions_own_reaction_is_not_its_previous_one(client, derek, course):
    first = first_session_with(course, derek, REDNESS)
    client.force_login(derek)

    findings = client.get(f"/sessions/{first.pk}/").context["findings"]

    assert not [finding for finding in findings if finding.key.startswith("reaction:")]


# --- A severe reaction: a suspected allergy ----------------------------------------------------


def test_a_severe_reaction_suspects_an_allergy_to_the_cocktails_ingredients_and_blocks_them(client, derek, course):
    first_session_with(course, derek, URTICARIA)
    second = course.sessions.get(number=2)
    client.force_login(derek)

    suspicion = SuspectedAllergy.objects.get()
    assert suspicion.is_pending
    assert list(suspicion.ingredients.values_list("name", flat=True)) == ["Zinc"]
    page = client.get(f"/sessions/{second.pk}/").content.decode()
    assert "Suspected allergy to Zinc after urticaria (hives) at session 1." in page
    assert f'href="/suspected-allergies/{suspicion.pk}/"' in page
    with pytest.raises(OverrideNeeded) as blocked:
        record_visit_of(second, by=derek, acknowledgement_reason=PLAIN_REASON)
    assert blocked.value.breaches[0].message.startswith("Suspected allergy to Zinc")


def test_a_severe_sign_added_by_an_amendment_suspects_the_allergy_too(derek, course):
    first = first_session_with(course, derek, REDNESS)

    records.amend_session(
        session=first, reason="Wheeze reported that evening", amended_by=derek, reactions=[REDNESS, ANAPHYLAXIS]
    )

    assert SuspectedAllergy.objects.get().session == first


def test_confirming_the_suspected_allergy_puts_it_on_the_record(client, derek, alice, course):
    first_session_with(course, derek, ANAPHYLAXIS)
    suspicion = SuspectedAllergy.objects.get()
    client.force_login(derek)

    response = client.post(f"/suspected-allergies/{suspicion.pk}/confirm/")

    assert response.status_code == 302
    suspicion.refresh_from_db()
    assert (suspicion.status, suspicion.decided_by) == (SuspectedAllergy.Status.CONFIRMED, derek)
    assert Allergy.objects.get(patient=alice).allergen == Ingredient.objects.get(name="Zinc").own_allergen
    findings = client.get(f"/sessions/{course.sessions.get(number=2).pk}/").context["findings"]
    assert "Allergic to Zinc." in [finding.reason for finding in findings if finding.is_block]
    again = client.post(f"/suspected-allergies/{suspicion.pk}/confirm/", follow=True)
    assert "already decided on this allergy (confirmed)" in again.content.decode()


def test_dismissing_needs_a_reason_by_its_field_and_then_unblocks_the_ingredients(client, derek, course):
    first_session_with(course, derek, URTICARIA)
    suspicion = SuspectedAllergy.objects.get()
    second = course.sessions.get(number=2)
    client.force_login(derek)

    refused = client.post(f"/suspected-allergies/{suspicion.pk}/dismiss/", {"dismissal_reason": "ok"})
    assert refused.status_code == 200
    [message] = refused.context["dismiss_form"].errors["dismissal_reason"]
    assert message.startswith("Say why it is not an allergy in a sentence")
    suspicion.refresh_from_db()
    assert suspicion.is_pending

    reason = "Hives came from a new washing powder, gone once it was changed."
    accepted = client.post(f"/suspected-allergies/{suspicion.pk}/dismiss/", {"dismissal_reason": reason})
    assert accepted.status_code == 302
    suspicion.refresh_from_db()
    assert (suspicion.status, suspicion.dismissal_reason) == (SuspectedAllergy.Status.DISMISSED, reason)
    record_visit_of(second, by=derek, acknowledgement_reason=PLAIN_REASON)
    second.refresh_from_db()
    assert second.is_done


def test_a_dismissal_without_a_reason_is_refused_by_the_write_too(derek, course):
    first_session_with(course, derek, URTICARIA)

    with pytest.raises(ValidationError) as refused:
        safety.dismiss_suspected_allergy(suspicion=SuspectedAllergy.objects.get(), reason=" ", decided_by=derek)

    assert refused.value.message_dict == {"dismissal_reason": ["Say why it is not an allergy."]}


def test_only_dermatologists_decide_on_a_suspected_allergy(client, derek, charlie, alice, course):
    first_session_with(course, derek, URTICARIA)
    suspicion = SuspectedAllergy.objects.get()
    page = f"/suspected-allergies/{suspicion.pk}/"

    assert client.get(page).status_code == 302  # to the sign-in page
    client.force_login(charlie)
    assert client.get(page).status_code == 403
    assert client.post(f"{page}confirm/").status_code == 403
    client.force_login(alice.portal_user)
    assert client.get(page).status_code == 403
    client.force_login(derek)
    assert client.get(page).status_code == 200
    assert client.post(page).status_code == 405
    assert client.get(f"{page}confirm/").status_code == 405
    assert client.get("/suspected-allergies/999999/").status_code == 404
    suspicion.refresh_from_db()
    assert suspicion.is_pending
