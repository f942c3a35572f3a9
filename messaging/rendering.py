"""The clinic's templates turned into a message's subject and body, in one language and in
the clinic's time zone, so `{{ start|date:"l j F Y" }}` reads "mardi 1 décembre 2026"."""

from datetime import UTC, date, datetime

from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from messaging.models import Kind, MessageTemplate

CLINIC_KEYS = ("clinic_name", "clinic_phone", "clinic_address", "portal_url")
APPOINTMENT_KEYS = ("first_name", "start", "end", "practitioner", "room")
STAFF_KEYS = ("staff_first_name", "patient_name", "start", "practitioner", "link")
# What each kind's template receives, besides CLINIC_KEYS (and opt_out_url for patients).
CONTEXT_KEYS = {
    Kind.APPOINTMENT_BOOKED: APPOINTMENT_KEYS,
    Kind.APPOINTMENT_CHANGED: (*APPOINTMENT_KEYS, "previous_start"),
    Kind.APPOINTMENT_CANCELLED: (*APPOINTMENT_KEYS, "reason"),
    Kind.REMINDER: APPOINTMENT_KEYS,
    Kind.REMINDER_EVENING: APPOINTMENT_KEYS,
    Kind.AFTERCARE_READY: ("first_name", "session_number", "treatment"),
    Kind.STAFF_PATIENT_CANCELLED: STAFF_KEYS,
    Kind.STAFF_PATIENT_BOOKED: STAFF_KEYS,
    Kind.STAFF_PATIENT_MOVED: STAFF_KEYS,
    Kind.WAITLIST_OFFER: (*APPOINTMENT_KEYS, "session_number", "offer_url", "expires_at"),
}
STAFF_KINDS = frozenset({Kind.STAFF_PATIENT_CANCELLED, Kind.STAFF_PATIENT_BOOKED, Kind.STAFF_PATIENT_MOVED})

SAMPLE_START = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
SAMPLE_VALUES = {
    "first_name": "Alice",
    "start": SAMPLE_START,
    "end": SAMPLE_START.replace(hour=10),
    "previous_start": SAMPLE_START.replace(day=2),
    "practitioner": "Dr Derek Dubois",
    "room": "Room 1",
    "reason": "",
    "session_number": 2,
    "treatment": "Face radiance",
    "staff_first_name": "Charlie",
    "patient_name": "Alice Archer",
    "link": "http://127.0.0.1:8000/appointments/",
    "clinic_name": "Mesoplan",
    "clinic_phone": "01 23 45 67 89",
    "clinic_address": "12 rue de la Paix, 75002 Paris",
    "portal_url": "http://127.0.0.1:8000/portal/",
    "opt_out_url": "http://127.0.0.1:8000/messages/opt-out/x/",
    "day": date(2026, 12, 1),
    "offer_url": "http://127.0.0.1:8000/waitlist/offers/x/",
    "expires_at": SAMPLE_START.replace(day=2, hour=18),
}


def render_text(source: str, context: dict) -> str:
    # Plain text: nothing is HTML-escaped here; messaging/email.html escapes the HTML part.
    return Template(source).render(Context(context, autoescape=False))


def render_template_of(*, kind: str, language: str, context: dict) -> tuple[str, str]:
    template = MessageTemplate.objects.get(kind=kind)
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        # modeltranslation reads each field in the active language.
        subject = " ".join(render_text(template.subject, context).split())
        body = render_text(template.body, context)
    return subject, body


def template_error(source: str, *, kind: str, language: str) -> str | None:
    """Why `source` would not render as a message of `kind`, in words for the manager; None
    when it renders."""
    try:
        with translation.override(language), timezone.override(settings.TIME_ZONE):
            render_text(source, {key: SAMPLE_VALUES[key] for key in (*CLINIC_KEYS, "opt_out_url", *CONTEXT_KEYS[kind])})
    # A syntax error or an unknown filter fails at compile time (TemplateSyntaxError); a
    # filter given a value it cannot take fails while rendering, with any exception.
    except Exception as error:
        return _("This text does not render: %(error)s") % {"error": error}
    return None
