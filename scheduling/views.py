from datetime import date
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic import roles
from clinic.forms import add_error_by_field
from clinic.http import content_disposition, validate_uuid
from clinic.roles import Role, role_required
from consents import gate
from patients.models import Patient
from scheduling import booking, calendars, courses, grid
from scheduling.access import get_appointment_for_user
from scheduling.forms import (
    AppointmentForm,
    CancelForm,
    CourseBookingForm,
    MoveFinderForm,
    RescheduleForm,
    SlotQueryForm,
)
from scheduling.models import Appointment, CalendarFeed, WorkingHours
from scheduling.slots import free_slots
from treatments import holds
from treatments.access import get_plan_for_user

STAFF = (Role.FRONT_DESK, Role.DERMATOLOGIST)


def parse_day(value: str | None) -> date:
    if not value:
        return timezone.localdate()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise Http404("Not a date") from None
    if not 2000 <= day.year <= 2100:
        raise Http404("Out of the calendar's range")
    return day


@require_GET
@role_required(*STAFF)
def schedule_day(request: HttpRequest) -> HttpResponse:
    day = parse_day(request.GET.get("date"))
    context = grid.day_grid(
        Appointment.objects.visible_to(request.user), day=day, by_room=request.GET.get("view") == "rooms"
    )
    return render(request, "scheduling/day.html", context)


@require_GET
@role_required(*STAFF)
def slots(request: HttpRequest) -> HttpResponse:
    form = SlotQueryForm(request.GET, patients=patient_choices(request.user))
    if not form.is_valid():
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"errors": errors}, status=400)
        return render(request, "scheduling/_slots.html", {"errors": errors}, status=400)
    query = form.cleaned_data
    found = free_slots(
        day=query["date"],
        minutes=query["minutes"] or 30,
        practitioner=query["practitioner"],
        room=query["room"],
        patient=query["patient"],
    )
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"date": query["date"].isoformat(), "slots": [slot.as_json() for slot in found]})
    return render(request, "scheduling/_slots.html", {"slots": found, "query": query})


def patient_choices(user):
    return Patient.objects.visible_to(user).active()


@require_http_methods(["GET", "POST"])
@role_required(*STAFF)
def appointment_new(request: HttpRequest) -> HttpResponse:
    initial = {"minutes": 30}
    for name in ("patient", "practitioner", "room", "session", "minutes"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    if request.GET.get("start"):
        initial["start"] = request.GET["start"]
    form = AppointmentForm(request.POST or None, initial=initial, patients=patient_choices(request.user))
    status = 200
    if form.is_valid():
        try:
            appointment = booking.book_appointment(**form.cleaned_data, booked_by=request.user)
        except booking.SlotTaken as taken:
            form.add_error("start", str(taken))
            status = 409
        except ValidationError as error:
            add_error_by_field(form, error)
        else:
            messages.success(request, _("Booked: %(when)s.") % {"when": booking.describe_when(appointment)})
            return redirect(appointment)
    patient = chosen_patient(form, request)
    # Booking warns, never refuses: the patient may sign and answer before the session.
    next_session = gate.next_session(patient) if patient else None
    context = {
        "form": form,
        "patient": patient,
        "hold": booking_hold_on(patient),
        "session_to_sign_for": next_session,
        "ready": gate.before_session(next_session),
    }
    return render(request, "scheduling/appointment_form.html", context, status=status)


def booking_hold_on(patient: Patient | None) -> holds.Hold | None:
    return holds.hold_for_booking(patient, on_date=timezone.localdate()) if patient else None


@require_GET
@role_required(*STAFF)
def booking_hold(request: HttpRequest) -> HttpResponse:
    """The clinical hold on the patient just picked in the booking form (htmx)."""
    patient = patient_choices(request.user).filter(pk=validate_uuid(request.GET.get("patient"))).first()
    return render(request, "treatments/_clinical_hold.html", {"hold": booking_hold_on(patient)})


def chosen_patient(form, request) -> Patient | None:
    patient_id = form.chosen_patient_id()
    return patient_choices(request.user).filter(pk=patient_id).first() if patient_id else None


@require_GET
@role_required(*STAFF)
def patient_picker(request: HttpRequest) -> HttpResponse:
    """Search-as-you-type for the booking form."""
    query = request.GET.get("q", "").strip()[:100]
    patients = patient_choices(request.user).search(query)[:8] if len(query) >= 2 else []
    return render(request, "scheduling/_patient_picker.html", {"patients": patients, "query": query})


@require_GET
@role_required(*STAFF)
def appointment_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    appointment = get_appointment_for_user(request.user, pk)
    context = {
        "appointment": appointment,
        "hold": appointment_hold(appointment),
        "ready": appointment_readiness(appointment),
        "history": appointment.changes.select_related("changed_by"),
        "cancel_form": CancelForm(),
    }
    return render(request, "scheduling/appointment_detail.html", context)


def appointment_readiness(appointment: Appointment) -> gate.Readiness:
    """What the patient must sign or answer before this appointment's session (check-in)."""
    if not appointment.still_to_see:
        return gate.readiness(())
    return gate.before_session(appointment.session, on=timezone.localtime(appointment.start).date())


def appointment_hold(appointment: Appointment) -> holds.Hold | None:
    if not appointment.still_to_see:
        return None
    day = timezone.localtime(appointment.start).date()
    return holds.hold_for(appointment.patient, appointment.session, on_date=day)


@require_http_methods(["GET", "POST"])
@role_required(*STAFF)
def appointment_reschedule(request: HttpRequest, pk: UUID) -> HttpResponse:
    appointment = get_appointment_for_user(request.user, pk)
    initial = {
        "practitioner": appointment.practitioner,
        "room": appointment.room,
        "start": timezone.localtime(appointment.start).replace(tzinfo=None),
        "minutes": appointment.minutes,
    }
    form = RescheduleForm(request.POST or None, initial=initial)
    status = 200
    if form.is_valid():
        try:
            moved = booking.reschedule_appointment(
                appointment=appointment, **form.cleaned_data, rescheduled_by=request.user
            )
        except booking.SlotTaken as taken:
            form.add_error("start", str(taken))
            status = 409
        except booking.AppointmentChanged as changed:
            form.add_error(None, str(changed))
            status = 409
        except ValidationError as error:
            add_error_by_field(form, error)
        else:
            messages.success(request, _("Moved to %(when)s.") % {"when": booking.describe_when(moved)})
            return redirect(moved)
    context = {"form": form, "appointment": appointment, **move_finder(request, appointment)}
    return render(request, "scheduling/reschedule.html", context, status=status)


def move_finder(request: HttpRequest, appointment: Appointment) -> dict:
    """The free slots the appointment could move to on the day asked (its own day at first),
    the same free_slots as booking's, its own time counted as free; a course session's window."""
    here = timezone.localtime(appointment.start)
    asked = {"find-date": here.date(), "find-minutes": appointment.minutes, **request.GET.dict()}
    finder = MoveFinderForm(asked)
    found = None
    if finder.is_valid():
        query = finder.cleaned_data
        found = free_slots(
            day=query["date"],
            minutes=query["minutes"],
            practitioner=query["practitioner"],
            patient=appointment.patient,
            ignoring=appointment,
        )
    window = appointment.session.booking_window() if appointment.session_id else None
    return {"finder": finder, "free": found, "window": window}


@require_POST
@role_required(*STAFF)
def appointment_cancel(request: HttpRequest, pk: UUID) -> HttpResponse:
    appointment = get_appointment_for_user(request.user, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the appointment is cancelled."))
        return redirect(appointment)
    try:
        booking.cancel_appointment(
            appointment=appointment, reason=form.cleaned_data["reason"], cancelled_by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The appointment is cancelled; the slot is free again."))
    return redirect(appointment)


def next_page(request: HttpRequest, appointment: Appointment) -> HttpResponse:
    """Back to the day's list when the button was pressed there, else to the appointment."""
    if request.POST.get("next", request.GET.get("next")) == "/today/":
        return redirect("/today/")
    return redirect(appointment)


@require_POST
@role_required(*STAFF)
def appointment_status(request: HttpRequest, pk: UUID) -> HttpResponse:
    appointment = get_appointment_for_user(request.user, pk)
    action = request.POST.get("action", "")
    if action == "no_show" and request.POST.get("confirmed") != "yes":
        # A no-show is said out loud before it is written: the confirm page asks first.
        return redirect(confirmation_url(appointment, request.POST.get("next")))
    try:
        booking.set_appointment_status(appointment=appointment, action=action, changed_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except booking.SlotTaken as taken:
        messages.error(request, str(taken))
    return next_page(request, appointment)


def confirmation_url(appointment: Appointment, next_url: str | None) -> str:
    url = reverse("appointment_no_show", args=[appointment.pk])
    return f"{url}?next=/today/" if next_url == "/today/" else url


@require_GET
@role_required(*STAFF)
def appointment_no_show(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Asks before marking a no-show; the answer posts to appointment_status."""
    appointment = get_appointment_for_user(request.user, pk)
    if refusal := appointment.status_refusal("no_show"):
        messages.error(request, refusal)
        return next_page(request, appointment)
    context = {"appointment": appointment, "next": "/today/" if request.GET.get("next") == "/today/" else ""}
    return render(request, "scheduling/no_show_confirm.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*STAFF)
def plan_book(request: HttpRequest, pk: UUID) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    if plan.status != plan.Status.ACTIVE:
        messages.error(request, _("Only an active course can be booked."))
        return redirect(plan)
    initial = {"practitioner": plan.prescriber, "minutes": courses.course_minutes(plan)}
    form = CourseBookingForm(request.POST or request.GET or None, initial=initial)
    proposals = []
    if form.is_bound and form.is_valid():
        proposals = courses.propose_course_bookings(plan=plan, **form.cleaned_data)
        if request.method == "POST":
            try:
                booked = courses.book_course(
                    proposals=proposals, minutes=form.cleaned_data["minutes"], booked_by=request.user
                )
            except courses.CourseNotBookable as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(
                    request,
                    ngettext("%(count)d session booked.", "%(count)d sessions booked.", len(booked))
                    % {"count": len(booked)},
                )
                return redirect(plan)
    bookable = bool(proposals) and all(proposal.slot for proposal in proposals)
    context = {
        "plan": plan,
        "form": form,
        "proposals": proposals,
        "bookable": bookable,
        "hold": booking_hold_on(plan.patient),
        "ready": gate.readiness(gate.missing(plan.patient, course=plan)),
    }
    return render(request, "scheduling/plan_book.html", context)


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A practitioner's appointments from 30 days ago on, the cancelled ones as cancelled; the
    secret token is the only key."""
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("practitioner"), token=token, practitioner__is_active=True
    )
    appointments = calendars.feed_appointments(feed.practitioner, now=timezone.now())
    body = calendars.calendar_of(appointments, name=f"Mesoplan: {feed.practitioner}", for_patient=False)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@require_GET
@role_required(*STAFF, Role.PATIENT)
def appointment_ics(request: HttpRequest, pk: UUID) -> HttpResponse:
    appointment = get_appointment_for_user(request.user, pk)
    can = roles.abilities_of(request.user)
    for_patient = can.use_portal and not can.work_with_patients
    body = calendars.appointment_calendar(appointment, for_patient=for_patient)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition(
        f"appointment-{timezone.localtime(appointment.start):%Y-%m-%d}.ics", attachment=True
    )
    return response


@require_http_methods(["GET", "POST"])
@role_required(Role.DERMATOLOGIST)
def my_calendar(request: HttpRequest) -> HttpResponse:
    """The dermatologist's working hours and private calendar address (new address on POST)."""
    if request.method == "POST":
        calendars.renew_feed(practitioner=request.user)
        messages.success(request, _("New calendar address made; the old one no longer works."))
        return redirect("my_calendar")
    feed = CalendarFeed.objects.filter(practitioner=request.user).first()
    context = {
        "feed_url": request.build_absolute_uri(feed.get_absolute_url()) if feed else None,
        "hours": WorkingHours.objects.filter(practitioner=request.user),
        "time_off": request.user.time_off.filter(end__gte=timezone.now()),
    }
    return render(request, "scheduling/my_calendar.html", context)
