"""The waitlist: patients waiting for an earlier slot for their course's next session. When a
slot frees (a cancellation, a move, time off taken away, a hold or an offer that lapsed:
scheduling.signals.slot_freed), the job system offers it to the first eligible patient —
window ending soonest, then earliest joined — holding it for them (a hold,
scheduling.slot_holds) 30 minutes when it is more than a day away and 10 otherwise, never
within 2 hours of it, at most 3 offers a patient a day. The patient answers through a
signed link, without signing in: accepted, the hold becomes the booking (or moves the one
they have), and their other offers pass on; declined or lapsed, the next patient is offered
it."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.models import User
from consents.signing import SYSTEM_USERNAME
from messaging import outbox
from messaging.models import Kind
from patients.models import Patient
from scheduling import booking, self_booking, slot_holds
from scheduling.courses import course_minutes
from scheduling.models import Appointment, TimeOfDay, WaitlistEntry, WaitlistOffer
from scheduling.slots import free_slots_on
from treatments import plans
from treatments.models import TreatmentPlan, TreatmentSession

NO_OFFER_WITHIN = timedelta(hours=2)
OFFERS_A_DAY = 3
HELD_LONG, HELD_SHORT = timedelta(minutes=30), timedelta(minutes=10)
SOON = timedelta(hours=24)
OFFER_SALT = "scheduling.waitlist.offer"


class OfferClosed(Exception):
    """The offer was answered already, lapsed or was withdrawn; the message says which."""


def join(
    *, patient: Patient, session: TreatmentSession, weekdays: list[int], time_of_day: str, joined_by: User
) -> WaitlistEntry:
    """Put the patient on the waitlist for their course's next session (or change the days
    and time they prefer, when they are on it already)."""
    if self_booking.for_session(patient, session.pk) is None:
        raise ValidationError(_("Only a course's next session can wait for an earlier time."))
    if any(day not in range(7) for day in weekdays) or time_of_day not in TimeOfDay.values:
        raise ValidationError(_("Choose days of the week and a time of day from the list."))
    weekdays = sorted(set(weekdays))
    try:
        with transaction.atomic():
            entry, created = WaitlistEntry.objects.select_for_update().get_or_create(
                session=session,
                status=WaitlistEntry.Status.WAITING,
                defaults={"patient": patient, "weekdays": weekdays, "time_of_day": time_of_day, "joined_by": joined_by},
            )
            if not created:
                entry.weekdays, entry.time_of_day = weekdays, time_of_day
                entry.save(update_fields=["weekdays", "time_of_day"])
    except IntegrityError:  # joined a moment ago, elsewhere
        entry = WaitlistEntry.objects.get(session=session, status=WaitlistEntry.Status.WAITING)
    return entry


def leave(*, entry: WaitlistEntry) -> None:
    """Off the waitlist; an offer still open is withdrawn and its slot freed for the next."""
    with transaction.atomic():
        updated = WaitlistEntry.objects.filter(pk=entry.pk, status=WaitlistEntry.Status.WAITING).update(
            status=WaitlistEntry.Status.LEFT, ended_at=timezone.now()
        )
        if updated:
            for offer in WaitlistOffer.objects.select_for_update().filter(
                entry=entry, status=WaitlistOffer.Status.OFFERED
            ):
                close(offer, WaitlistOffer.Status.WITHDRAWN)


def waiting_for(patient: Patient, session: TreatmentSession) -> WaitlistEntry | None:
    return WaitlistEntry.objects.filter(patient=patient, session=session, status=WaitlistEntry.Status.WAITING).first()


def window_end(entry: WaitlistEntry, today: date) -> date:
    return entry.session.booking_window(today)[1]


def acting_for(patient: Patient) -> User:
    """Who a hold or booking from an offer is written by: the patient's portal account, or
    the clinic's own account when they have none (the offer's link needs no sign-in)."""
    if patient.portal_user_id:
        return patient.portal_user
    user, _created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": "Mesoplan", "is_active": False, "password": "!"}
    )
    return user


def offer_freed(*, start: datetime, end: datetime, practitioner_id: int | None) -> WaitlistOffer | None:
    """Offer a slot freed between `start` and `end` (with that practitioner, or anyone's when
    None) to the first eligible patient waiting; None when nobody may take it. What is offered
    starts when the freed time does (a longer session, if the time after it is free too), or
    lies inside it."""
    now = timezone.now()
    if end - NO_OFFER_WITHIN <= now:
        return None
    today = timezone.localdate(now)
    entries = (
        WaitlistEntry.objects.filter(
            status=WaitlistEntry.Status.WAITING,
            session__status__in=TreatmentSession.STILL_TO_COME,
            session__plan__status=TreatmentPlan.Status.ACTIVE,
        )
        .select_related("patient__portal_user", "session__plan")
        .order_by("joined_at", "pk")
    )
    for entry in sorted(entries, key=lambda entry: window_end(entry, today)):
        offer = offer_to(entry, start=start, end=end, practitioner_id=practitioner_id, now=now)
        if offer is not None:
            return offer
    return None


def offer_to(
    entry: WaitlistEntry, *, start: datetime, end: datetime, practitioner_id: int | None, now: datetime
) -> WaitlistOffer | None:
    patient = entry.patient
    offers = WaitlistOffer.objects.filter(entry__patient=patient)
    if offers.filter(offered_at__date=timezone.localdate(now)).count() >= OFFERS_A_DAY:
        return None
    booked = entry.session.appointments.filter(status=Appointment.Status.BOOKED).first()
    # Only a time earlier than the one they have, and than any they may still take: a slot
    # freed while an offer is open is not lost to them.
    to_beat = [booked.start] if booked else []
    to_beat += offers.filter(entry=entry, status=WaitlistOffer.Status.OFFERED, expires_at__gt=now).values_list(
        "start", flat=True
    )
    beat = min(to_beat, default=None)
    earliest, latest = entry.session.booking_window(timezone.localdate(now))
    day = timezone.localtime(start).date()
    if not earliest <= day <= latest:
        return None
    free = free_slots_on(
        days=[day], minutes=course_minutes(entry.session.plan), patient=patient, not_before=now + NO_OFFER_WITHIN
    )[day]
    already_offered = set(offers.filter(entry=entry).values_list("start", "practitioner_id"))
    slot = next(
        (
            slot
            for slot in free
            if (slot.start == start or (start < slot.start and slot.end <= end))
            and (practitioner_id is None or slot.practitioner.pk == practitioner_id)
            and entry.suits(slot.start)
            and (beat is None or slot.start < beat)
            and (slot.start, slot.practitioner.pk) not in already_offered
        ),
        None,
    )
    if slot is None:
        return None
    held_for = HELD_LONG if slot.start - now > SOON else HELD_SHORT
    try:
        with transaction.atomic():
            hold = slot_holds.place_hold(
                patient=patient,
                session=entry.session,
                slot=slot,
                held_by=acting_for(patient),
                minutes_held=int(held_for / timedelta(minutes=1)),
                moves=booked,
                release_portal_holds=False,
            )
            offer = WaitlistOffer.objects.create(
                entry=entry,
                hold=hold,
                start=hold.start,
                end=hold.end,
                practitioner=hold.practitioner,
                offered_at=now,
                expires_at=hold.held_until,
            )
            tell_offer(offer, hold)
    except (booking.SlotTaken, ValidationError):
        return None  # taken meanwhile, or outside this session's order: the next patient
    return offer


def offer_token(offer: WaitlistOffer) -> str:
    return signing.dumps(offer.pk, salt=OFFER_SALT)


def offer_from_token(token: str) -> WaitlistOffer | None:
    """The offer a link names, or None for a link forged, altered or for no offer."""
    try:
        pk = signing.loads(token, salt=OFFER_SALT)
    except signing.BadSignature:
        return None
    return (
        WaitlistOffer.objects.filter(pk=pk)
        .select_related("entry__patient", "entry__session__plan", "practitioner", "hold__room")
        .first()
    )


def tell_offer(offer: WaitlistOffer, hold: Appointment) -> None:
    link = settings.CLINIC_SITE_URL.rstrip("/") + reverse("waitlist_offer", args=[offer_token(offer)])
    outbox.notify_patient(
        patient=offer.entry.patient,
        kind=Kind.WAITLIST_OFFER,
        context={
            "first_name": offer.entry.patient.first_name,
            "start": hold.start,
            "end": hold.end,
            "practitioner": str(hold.practitioner),
            "room": str(hold.room),
            "session_number": offer.entry.session.number,
            "offer_url": link,
            "expires_at": hold.held_until,
        },
        about=f"waitlist-offer:{offer.pk}",
    )


def locked_open_offer(offer: WaitlistOffer) -> WaitlistOffer:
    """The offer read again under its lock, its course first; OfferClosed when it is no longer open."""
    plans.lock_course(plan_id=offer.entry.session.plan_id)
    offer = WaitlistOffer.objects.select_for_update().select_related("entry__patient").get(pk=offer.pk)
    if offer.status == WaitlistOffer.Status.ACCEPTED:
        raise OfferClosed(_("You took this time already: it is booked for you."))
    if offer.status == WaitlistOffer.Status.WITHDRAWN:
        raise OfferClosed(_("This offer is closed: you took another time, or left the waitlist."))
    if offer.status != WaitlistOffer.Status.OFFERED or offer.expires_at <= timezone.now():
        raise OfferClosed(
            _("This offer has lapsed, and the time may have gone to someone else. You stay on the waitlist.")
        )
    return offer


def accept(offer: WaitlistOffer) -> Appointment:
    """The patient takes the time: the hold becomes their booking, or moves the one they had;
    their other offers open for that session pass to the next patients."""
    with transaction.atomic():
        offer = locked_open_offer(offer)
        patient = offer.entry.patient
        for other in (
            WaitlistOffer.objects.select_for_update()
            .filter(entry_id=offer.entry_id, status=WaitlistOffer.Status.OFFERED)
            .exclude(pk=offer.pk)
        ):
            close(other, WaitlistOffer.Status.WITHDRAWN)
        appointment = slot_holds.confirm_hold(
            hold=offer.hold, patient=patient, confirmed_by=acting_for(patient), online=True
        )
        offer.status, offer.answered_at, offer.hold = WaitlistOffer.Status.ACCEPTED, timezone.now(), appointment
        offer.save(update_fields=["status", "answered_at", "hold"])
        WaitlistEntry.objects.filter(pk=offer.entry_id).update(
            status=WaitlistEntry.Status.BOOKED, ended_at=offer.answered_at
        )
    return appointment


def decline(offer: WaitlistOffer) -> None:
    """The patient lets the time go (they stay on the waitlist); the next patient is offered it."""
    with transaction.atomic():
        close(locked_open_offer(offer), WaitlistOffer.Status.DECLINED)


def close(offer: WaitlistOffer, status: str) -> None:
    """End an open offer (declined, lapsed, withdrawn): its hold goes, and its slot is freed
    for the next patient once this commits (scheduling.signals)."""
    offer.status, offer.answered_at = status, timezone.now()
    offer.save(update_fields=["status", "answered_at"])
    if offer.hold_id:
        Appointment.objects.filter(pk=offer.hold_id, status=Appointment.Status.PROPOSED).delete()
    booking.announce_freed(offer.start, offer.end, offer.practitioner_id)


def expire_offers(*, now: datetime | None = None) -> int:
    """Close the offers past their time (the job system, every minute)."""
    lapsed = 0
    for offer in WaitlistOffer.objects.filter(
        status=WaitlistOffer.Status.OFFERED, expires_at__lte=now or timezone.now()
    ):
        with transaction.atomic():
            offer = WaitlistOffer.objects.select_for_update().get(pk=offer.pk)
            if offer.status == WaitlistOffer.Status.OFFERED:
                close(offer, WaitlistOffer.Status.EXPIRED)
                lapsed += 1
    return lapsed
