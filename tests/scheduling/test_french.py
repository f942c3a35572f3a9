"""The schedule in French: booking refusals, messages, the day grid and the appointment's
history, for a front desk whose browser asks for French. (English: the other test modules.)

It is Monday 2 March 2026, 08:00 in Paris; with `derek_works`, Derek works Monday to Saturday 09:00–18:00."""

import pytest

from scheduling import booking
from scheduling.models import Appointment
from tests.scheduling.conftest import TUESDAY, at
from tests.scheduling.test_appointment_views import booking_form, page_text

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"}


@pytest.fixture
def appointment(derek_works, derek, room1, alice, charlie) -> Appointment:
    """Alice with Derek in room 1, Tuesday 10:00–10:30."""
    return booking.book_appointment(
        patient=alice, practitioner=derek, room=room1, start=at(TUESDAY, "10:00"), minutes=30, booked_by=charlie
    )


def test_a_booking_says_when_with_french_day_names(client, charlie, derek_works, derek, room1, alice):
    client.force_login(charlie)
    form = booking_form(alice, derek, room1, start="2026-03-03T10:15", minutes=45)
    page = page_text(client.post("/appointments/new/", form, follow=True, **FRENCH))
    assert f"Rendez-vous réservé le mar 03/03/2026 10:15–11:00 avec {derek}, Room 1." in page
    assert "Réservé" in page  # the appointment's status
    history = [change.description for change in Appointment.objects.get().changes.all()]
    assert history == [f"Réservé le mar 03/03/2026 10:15–11:00 avec {derek}, Room 1"]


def test_a_clash_is_explained_in_french(client, charlie, appointment, derek, room2, bob):
    client.force_login(charlie)
    response = client.post("/appointments/new/", booking_form(bob, derek, room2, start="2026-03-03T10:15"), **FRENCH)
    assert response.status_code == 409
    assert f"{derek} a déjà un rendez-vous de 10:00 à 10:30." in page_text(response)
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("2026-03-08T10:00", "La clinique est fermée le dimanche."),
        ("2026-03-03T17:45", "ne travaille pas le mardi 03/03 de 17:45 à 18:15."),
        ("2026-03-02T07:00", "Cette heure est passée."),
    ],
)
def test_a_day_or_time_that_cannot_be_booked_is_refused_in_french(
    client, charlie, derek_works, derek, room1, alice, start, message
):
    client.force_login(charlie)
    response = client.post("/appointments/new/", booking_form(alice, derek, room1, start=start), **FRENCH)
    assert response.status_code == 200
    assert message in page_text(response)
    assert not Appointment.objects.exists()


def test_a_form_error_and_the_forms_labels_are_french(client, charlie, derek_works, derek, room1, alice):
    client.force_login(charlie)
    form = {**booking_form(alice, derek, room1), "patient": "00000000-0000-0000-0000-000000000000"}
    response = client.post("/appointments/new/", form, **FRENCH)
    page = page_text(response)
    assert "Choisissez un patient dans la recherche." in page
    assert "Durée" in page
    assert "Séance de la cure" in page
    assert 'Praticien<span class="asteriskField">' in page and 'Salle<span class="asteriskField">' in page
    assert "Practitioner<span" not in page and "Room<span" not in page


def test_the_day_grid_offers_its_free_cells_in_french(client, charlie, derek_works, derek):
    client.force_login(charlie)
    page = page_text(client.get("/schedule/", {"date": "2026-03-03"}, **FRENCH))
    assert f'aria-label="Réserver {derek} à 09:00"' in page
    assert "Book " not in page


def test_a_cancellation_says_so_in_french(client, charlie, appointment):
    client.force_login(charlie)
    page = page_text(
        client.post(
            f"/appointments/{appointment.pk}/cancel/", {"reason": "La patiente est malade"}, follow=True, **FRENCH
        )
    )
    assert "Le rendez-vous est annulé; le créneau est de nouveau libre." in page
    assert "Annulé" in page


def test_a_status_refusal_is_french(client, charlie, appointment):
    client.force_login(charlie)
    page = page_text(client.post(f"/appointments/{appointment.pk}/status/", {"action": "done"}, follow=True, **FRENCH))
    assert "Le rendez-vous est réservé; ce changement (terminé) n'est pas possible maintenant." in page
