"""The portal's booking pages: the patient picks a day of their next session's window, then a
free time (plain links and radio buttons: keyboard, screen reader and phone, no script
needed), the time is held for them (scheduling.slot_holds) and they confirm it. The same
pages move a booked session. What may be booked is scheduling.self_booking's to say."""

from datetime import date, datetime, time
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic.models import ClinicPolicy
from clinic.roles import Role, role_required
from consents.portal_views import own_patient
from scheduling import booking, self_booking, slot_holds
from scheduling.models import Appointment
from scheduling.slots import Slot, local_moment


def slot_value(slot: Slot) -> str:
    return f"{timezone.localtime(slot.start):%Y-%m-%dT%H:%M}|{slot.practitioner.pk}"


class SlotField(forms.ChoiceField):
    """The radio buttons of the day's free times. A time the page no longer offers (taken
    meanwhile, another day, outside the window) is still read, for
    scheduling.self_booking.choose to say what is wrong with it."""

    def valid_value(self, value) -> bool:
        start, _bar, practitioner = str(value).partition("|")
        try:
            datetime.fromisoformat(start)
        except ValueError:
            return False
        return practitioner.isdigit()


class SlotChoiceForm(forms.Form):
    slot = SlotField(
        label=gettext_lazy("Time"),
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose a time."),
            "invalid_choice": gettext_lazy("Choose one of the times offered."),
        },
    )

    def __init__(self, *args, slots: list[Slot], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [
            (
                slot_value(slot),
                _("%(time)s with %(practitioner)s")
                % {"time": date_format(timezone.localtime(slot.start), "H:i"), "practitioner": slot.practitioner},
            )
            for slot in slots
        ]

    def chosen(self) -> tuple[datetime, int]:
        start, practitioner = self.cleaned_data["slot"].split("|")
        start = datetime.fromisoformat(start)
        return (timezone.make_aware(start) if timezone.is_naive(start) else start), int(practitioner)


def asked_day(request: HttpRequest) -> date | None:
    try:
        return date.fromisoformat(request.POST.get("day") or request.GET.get("day") or "")
    except ValueError:
        return None


def chosen_day(asked: date | None, days: dict[date, list[Slot]]) -> date | None:
    """The day asked for (a day of the window), else the first with a free time."""
    if asked in days:
        return asked
    return next((day for day, slots in days.items() if slots), next(iter(days), None))


def day_refusal(
    found: self_booking.NextSession, asked: date | None, days: dict[date, list[Slot]], policy: ClinicPolicy
) -> str:
    """Why a day asked for (a link edited by hand, an old bookmark) is not offered."""
    if asked is None or asked in days:
        return ""
    return self_booking.out_of_reach(found, start=local_moment(asked, time()), policy=policy)


@require_http_methods(["GET", "POST"])
@role_required(Role.PATIENT)
def book_session(request: HttpRequest, pk: UUID) -> HttpResponse:
    patient = own_patient(request)
    found = self_booking.for_session(patient, pk)
    if found is None:
        raise Http404
    days = self_booking.days_for(found, patient=patient)
    asked = asked_day(request)
    day = chosen_day(asked, days)
    form = SlotChoiceForm(request.POST or None, slots=days.get(day, []))
    if day is not None:
        form.fields["slot"].label = _("Free times on %(day)s") % {"day": date_format(day, "l j F")}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            start, practitioner_pk = form.chosen()
            try:
                hold = self_booking.choose(
                    patient=patient,
                    next_session=found,
                    start=start,
                    practitioner_pk=practitioner_pk,
                    held_by=request.user,
                )
            except booking.SlotTaken as taken:
                form.add_error("slot", str(taken))
                status = 409
            except ValidationError as error:
                form.add_error("slot", " ".join(error.messages))
                status = 400
            else:
                return redirect("portal_hold", hold.pk)
        else:
            status = 400
    policy = ClinicPolicy.current()
    context = {
        "found": found,
        "days": days,
        "day": day,
        "form": form,
        "day_refusal": day_refusal(found, asked, days, policy),
        "hold_minutes": policy.hold_minutes,
        "clinic_phone": settings.CLINIC_PHONE,
    }
    return render(request, "portal/book_session.html", context, status=status)


def patient_hold(request: HttpRequest, pk: UUID) -> Appointment:
    hold = (
        Appointment.objects.visible_to(request.user)
        .filter(pk=pk, status=Appointment.Status.PROPOSED, waitlist_offers__isnull=True)
        .select_related("practitioner", "room", "session__plan", "moves__session__plan")
        .first()
    )
    if hold is None:
        raise Http404
    return hold


def held_session_pk(hold: Appointment) -> UUID | None:
    """The session the hold books, or that the appointment it moves books."""
    return hold.session_id or (hold.moves.session_id if hold.moves_id else None)


@require_GET
@role_required(Role.PATIENT)
def hold_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    try:
        hold = patient_hold(request, pk)
    except Http404:
        messages.error(request, _("This time is no longer held for you: please choose one again."))
        return redirect("portal")
    if hold.held_until <= timezone.now():
        messages.error(request, _("This time is no longer held for you: please choose one again."))
        return redirect("portal_book", held_session_pk(hold))
    return render(request, "portal/hold.html", {"hold": hold, "session_pk": held_session_pk(hold)})


@require_POST
@role_required(Role.PATIENT)
def hold_confirm(request: HttpRequest, pk: UUID) -> HttpResponse:
    patient = own_patient(request)
    hold = Appointment.objects.visible_to(request.user).filter(pk=pk).select_related("moves").first()
    if hold is None:  # a move's hold is gone once confirmed: this is a second press
        messages.error(request, _("This time is no longer held for you: please choose one again."))
        return redirect("portal")
    session_pk = held_session_pk(hold)
    if hold.status == Appointment.Status.BOOKED and hold.session_id:
        messages.info(request, _("This appointment is booked already."))
        return redirect("portal")
    try:
        confirmed = slot_holds.confirm_hold(hold=hold, patient=patient, confirmed_by=request.user, online=True)
    except (slot_holds.HoldGone, booking.SlotTaken, booking.AppointmentChanged) as refused:
        messages.error(request, str(refused))
        return redirect(reverse("portal_book", args=[session_pk]) if session_pk else reverse("portal"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("portal_book", args=[session_pk]) if session_pk else reverse("portal"))
    when = timezone.localtime(confirmed.start)
    messages.success(
        request,
        _("Your appointment is booked for %(day)s at %(time)s with %(practitioner)s. A confirmation is on its way.")
        % {
            "day": date_format(when, "l j F Y"),
            "time": date_format(when, "H:i"),
            "practitioner": confirmed.practitioner,
        },
    )
    return redirect("portal")


@require_POST
@role_required(Role.PATIENT)
def hold_release(request: HttpRequest, pk: UUID) -> HttpResponse:
    patient = own_patient(request)
    hold = patient_hold(request, pk)
    session_pk = held_session_pk(hold)
    slot_holds.release_hold(hold=hold, patient=patient)
    return redirect("portal_book", session_pk)
