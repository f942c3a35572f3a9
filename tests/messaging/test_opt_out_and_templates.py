"""The reminders opt-out in every patient email, the chart's channel choices, the clinic's
templates in French and in the admin, and the manager's retry."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import Client

from messaging import channels, outbox
from messaging.models import ChannelChoices, MessageTemplate, OutboxMessage
from tests.messaging.conftest import appointment_context

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def test_the_link_in_an_email_turns_reminders_off_without_signing_in(client, alice):
    url = channels.opt_out_url(alice).removeprefix("http://127.0.0.1:8000")

    page = client.get(url)
    assert page.status_code == 200
    assert "Stop reminders" in page.content.decode()
    assert client.post(url).status_code == 200

    choices = ChannelChoices.objects.get(patient=alice)
    assert (choices.reminders, choices.changed_through, choices.changed_by) == (False, "link", None)
    with transaction.atomic():
        assert outbox.notify_patient(patient=alice, kind="reminder", context=appointment_context()) == []
        assert len(outbox.notify_patient(patient=alice, kind="appointment_booked", context=appointment_context())) == 1


def test_a_mail_clients_one_click_post_needs_no_csrf_token(alice):
    url = channels.opt_out_url(alice).removeprefix("http://127.0.0.1:8000")
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not ChannelChoices.objects.get(patient=alice).reminders


@pytest.mark.parametrize("token", ["nonsense", "tampered"])
def test_a_wrong_link_says_so_and_changes_nothing(client, alice, token):
    if token == "tampered":
        token = channels.opt_out_token(alice)[:-2] + "xx"
    response = client.post(f"/messages/opt-out/{token}/")
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert not ChannelChoices.objects.exists()


def test_the_opt_out_page_is_in_the_patients_language(client, alice):
    alice.preferred_language = "fr"
    alice.save()
    page = client.get(channels.opt_out_url(alice).removeprefix("http://127.0.0.1:8000"))
    assert "Ne plus recevoir de rappels" in page.content.decode()


def test_the_chart_shows_the_choices_and_messages_and_staff_turn_reminders_back_on(client, charlie, alice):
    with transaction.atomic():
        outbox.notify_patient(patient=alice, kind="appointment_booked", context=appointment_context())
    channels.opt_out_of_reminders(patient=alice)
    client.force_login(charlie)

    chart = client.get(f"/patients/{alice.pk}/").content.decode()
    assert "No reminders are sent." in chart
    assert "Booking confirmation" in chart
    seen = ChannelChoices.objects.get(patient=alice).changed_at.isoformat()

    response = client.post(f"/patients/{alice.pk}/channels/", {"reminders": "on", "seen_changed_at": seen}, follow=True)
    assert "Channel choices saved." in response.content.decode()
    choices = ChannelChoices.objects.get(patient=alice)
    assert (choices.reminders, choices.changed_by, choices.changed_through) == (True, charlie, "staff")

    # A screen opened before the patient's own change does not undo it.
    channels.opt_out_of_reminders(patient=alice)
    response = client.post(f"/patients/{alice.pk}/channels/", {"reminders": "on", "seen_changed_at": seen}, follow=True)
    assert "changed meanwhile" in response.content.decode()
    assert not ChannelChoices.objects.get(patient=alice).reminders


def test_a_french_patient_reads_french_dates(alice):
    alice.preferred_language = "fr"
    alice.save()
    start = datetime(2026, 12, 1, 9, 30, tzinfo=PARIS)
    with transaction.atomic():
        [message] = outbox.notify_patient(patient=alice, kind="reminder", context=appointment_context(start=start))
    assert message.language == "fr"
    assert message.subject == "Rappel : votre rendez-vous du mardi 1 décembre à 09:30"
    assert "mardi 1 décembre 2026, de 09:30 à 10:00" in message.body_text
    assert "Pour ne plus recevoir de rappels" in message.body_text


def test_the_manager_edits_a_template_and_a_broken_one_is_refused_next_to_its_field(client, margaret, alice):
    template = MessageTemplate.objects.get(kind="appointment_booked")
    client.force_login(margaret)
    url = f"/admin/messaging/messagetemplate/{template.pk}/change/"
    form = {
        "subject_en": "Booked: {{ start|date:'j F' }}",
        "subject_fr": "Réservé : {{ start|nosuchfilter }}",
        "body_en": "Hello {{ first_name }}",
        "body_fr": "Bonjour {{ first_name }}",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert "This text does not render" in str(response.context["adminform"].form.errors["subject_fr"])

    form["subject_fr"] = "Réservé : {{ start|date:'j F' }}"
    assert client.post(url, form).status_code == 302
    assert MessageTemplate.objects.get(pk=template.pk).history.count() == 2
    with transaction.atomic():
        [message] = outbox.notify_patient(patient=alice, kind="appointment_booked", context=appointment_context())
    assert message.subject.startswith("Booked: ")
    assert message.body_text.startswith("Hello Alice")


def test_the_manager_retries_a_failed_message_from_the_outbox(client, margaret, alice, smtp_server, send_on_commit):
    with transaction.atomic():
        [message] = outbox.notify_patient(patient=alice, kind="appointment_booked", context=appointment_context())
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.FAILED, attempts=5)
    client.force_login(margaret)
    listing = client.get("/admin/messaging/outboxmessage/?status__exact=failed&q=" + alice.email)
    assert alice.email in listing.content.decode()

    with send_on_commit():
        response = client.post(
            "/admin/messaging/outboxmessage/", {"action": "retry", "_selected_action": [message.pk]}, follow=True
        )
    assert "1 message queued again." in response.content.decode()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.SENT, 1)
    assert len(smtp_server.messages) == 1
