"""An invitation arrives as calendars expect it, through a real SMTP server: multipart/mixed
holding multipart/alternative (text, HTML, text/calendar with the calendar's METHOD) and
the .ics file, with the opt-out headers of RFC 8058."""

import icalendar
import pytest

from messaging.models import OutboxMessage
from messaging.outbox import notify_patient
from tests.messaging.conftest import appointment_context

CALENDAR = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Mesoplan//test//EN\r
METHOD:{method}\r
BEGIN:VEVENT\r
UID:appointment-1@mesoplan\r
SEQUENCE:{sequence}\r
DTSTAMP:20261201T080000Z\r
DTSTART:20261201T093000Z\r
DTEND:20261201T100000Z\r
SUMMARY:Séance\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.mark.django_db
def test_a_booking_confirmation_is_an_invitation_calendars_understand(
    smtp_server, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [queued] = notify_patient(
            patient=alice,
            kind="appointment_booked",
            context=appointment_context(),
            about="appointment:1",
            calendar=CALENDAR.format(method="REQUEST", sequence=0),
            calendar_method="REQUEST",
        )

    [message] = smtp_server.messages
    assert message.get_content_type() == "multipart/mixed"
    alternative, ics = message.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    text, html, calendar = alternative.get_payload()
    assert [text.get_content_type(), html.get_content_type(), calendar.get_content_type()] == [
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content_charset() == "utf-8"
    parsed = icalendar.Calendar.from_ical(calendar.get_content())
    assert parsed["METHOD"] == calendar.get_param("method")
    assert ics.get_filename() == "invite.ics"
    assert ics.get_content_type() in {"application/ics", "text/calendar"}
    assert icalendar.Calendar.from_ical(ics.get_content())["METHOD"] == "REQUEST"
    assert "Alice" in text.get_content() and "Dr Derek Dubois" in text.get_content()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/messages/opt-out/" in message["List-Unsubscribe"]
    queued.refresh_from_db()
    assert queued.status == OutboxMessage.Status.SENT
    assert queued.attempts == 1


@pytest.mark.django_db
def test_a_cancellation_carries_method_cancel_in_its_content_type(smtp_server, alice, send_on_commit):
    with send_on_commit():
        notify_patient(
            patient=alice,
            kind="appointment_cancelled",
            context={**appointment_context(), "reason": ""},
            calendar=CALENDAR.format(method="CANCEL", sequence=2),
            calendar_method="CANCEL",
        )

    [message] = smtp_server.messages
    calendar = next(part for part in message.walk() if part.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "CANCEL"
    assert icalendar.Calendar.from_ical(calendar.get_content())["METHOD"] == "CANCEL"
    assert message["Subject"].startswith("Your appointment on")


@pytest.mark.django_db
def test_a_message_without_invitation_is_text_and_html_only(smtp_server, alice, send_on_commit):
    with send_on_commit():
        notify_patient(
            patient=alice,
            kind="aftercare_ready",
            context={"first_name": "Alice", "session_number": 2, "treatment": "Face"},
        )

    [message] = smtp_server.messages
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.get_payload()] == ["text/plain", "text/html"]
    text = message.get_payload()[0].get_content()
    assert "http://127.0.0.1:8000/portal/" in text
    assert "/messages/opt-out/" in text  # every patient email carries the reminders opt-out
