"""The waitlist seen by patients: joining it for their next session from the portal, and
answering an offer through the link in its email, signed in or not (the link names one offer
and reaches nothing else)."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clinic.roles import Role, role_required
from consents.portal_views import own_patient
from scheduling import booking, self_booking, slot_holds, waitlist
from scheduling.forms import WaitlistForm
from scheduling.models import WaitlistOffer


@require_http_methods(["GET", "POST"])
@role_required(Role.PATIENT)
def join_waitlist(request: HttpRequest, pk: UUID) -> HttpResponse:
    patient = own_patient(request)
    found = self_booking.for_session(patient, pk)
    if found is None:
        raise Http404
    entry = waitlist.waiting_for(patient, found.session)
    initial = {"weekdays": entry.weekdays, "time_of_day": entry.time_of_day} if entry else None
    form = WaitlistForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            waitlist.join(
                patient=patient,
                session=found.session,
                weekdays=form.cleaned_data["weekdays"],
                time_of_day=form.cleaned_data["time_of_day"],
                joined_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(
                request, _("You are on the waitlist. We will email you if an earlier time that suits you frees up.")
            )
            return redirect("portal")
    status = 400 if form.errors else 200
    return render(request, "portal/waitlist.html", {"found": found, "entry": entry, "form": form}, status=status)


@require_POST
@role_required(Role.PATIENT)
def leave_waitlist(request: HttpRequest, pk: UUID) -> HttpResponse:
    patient = own_patient(request)
    found = self_booking.for_session(patient, pk)
    entry = waitlist.waiting_for(patient, found.session) if found else None
    if entry is None:
        raise Http404
    waitlist.leave(entry=entry)
    messages.success(request, _("You are no longer on the waitlist."))
    return redirect("portal")


def offer_page(request: HttpRequest, offer: WaitlistOffer, status: int = 200, **context) -> HttpResponse:
    return render(request, "portal/offer.html", {"offer": offer, **context}, status=status)


def answered(request: HttpRequest, offer: WaitlistOffer, text: str, *, level: str = "success") -> HttpResponse:
    return offer_page(request, offer, answer=text, level=level)


@require_http_methods(["GET", "POST"])
def waitlist_offer(request: HttpRequest, token: str) -> HttpResponse:
    """The offer's page: what is offered and until when, with Take it and Let it go."""
    offer = waitlist.offer_from_token(token)
    if offer is None:
        return render(request, "portal/offer_unknown.html", status=404)
    # The page and its answers in the patient's language, whoever's browser opens the link.
    with translation.override(offer.entry.patient.preferred_language):
        return answer_offer(request, offer, token)


def answer_offer(request: HttpRequest, offer: WaitlistOffer, token: str) -> HttpResponse:
    if request.method == "GET":
        return offer_page(request, offer, token=token)
    action = request.POST.get("answer")
    try:
        if action == "accept":
            appointment = waitlist.accept(offer)
            when = timezone.localtime(appointment.start)
            return answered(
                request,
                offer,
                _("It is booked: %(day)s at %(time)s with %(practitioner)s. A confirmation is on its way.")
                % {
                    "day": date_format(when, "l j F Y"),
                    "time": date_format(when, "H:i"),
                    "practitioner": appointment.practitioner,
                },
            )
        if action == "decline":
            waitlist.decline(offer)
            return answered(request, offer, _("Thank you: the time goes to someone else. You stay on the waitlist."))
    except (waitlist.OfferClosed, slot_holds.HoldGone, booking.SlotTaken, booking.AppointmentChanged) as closed:
        return answered(request, offer, str(closed), level="warning")
    except ValidationError as error:
        return answered(request, offer, " ".join(error.messages), level="warning")
    return offer_page(request, offer, status=400, token=token)
