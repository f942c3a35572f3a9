"""The desk's waitlist: who waits for an earlier slot and every offer in flight, adding a
patient for their booked course session, taking one off."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic.roles import Role, role_required
from scheduling import waitlist
from scheduling.access import get_appointment_for_user
from scheduling.forms import WaitlistForm
from scheduling.models import WaitlistEntry, WaitlistOffer

STAFF = (Role.FRONT_DESK, Role.DERMATOLOGIST)
RECENT_OFFERS = 20


@require_GET
@role_required(*STAFF)
def waitlist_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    waiting = list(
        WaitlistEntry.objects.filter(status=WaitlistEntry.Status.WAITING)
        .select_related("patient", "session__plan")
        .prefetch_related("session__appointments")
    )
    for entry in waiting:
        entry.window_end = waitlist.window_end(entry, today)
        entry.booked = next((a for a in entry.session.appointments.all() if a.status == "booked"), None)
    waiting.sort(key=lambda entry: (entry.window_end, entry.joined_at))
    offers = WaitlistOffer.objects.select_related("entry__patient", "entry__session", "practitioner")
    context = {
        "waiting": waiting,
        "in_flight": offers.filter(status=WaitlistOffer.Status.OFFERED, expires_at__gt=timezone.now()).order_by(
            "expires_at"
        ),
        "answered": offers.filter(~Q(status=WaitlistOffer.Status.OFFERED))[:RECENT_OFFERS],
    }
    return render(request, "scheduling/waitlist.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*STAFF)
def appointment_waitlist(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Put the patient of a booked course session on the waitlist for an earlier time."""
    appointment = get_appointment_for_user(request.user, pk)
    if appointment.session is None:
        raise Http404
    entry = waitlist.waiting_for(appointment.patient, appointment.session)
    initial = {"weekdays": entry.weekdays, "time_of_day": entry.time_of_day} if entry else None
    form = WaitlistForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            waitlist.join(
                patient=appointment.patient,
                session=appointment.session,
                weekdays=form.cleaned_data["weekdays"],
                time_of_day=form.cleaned_data["time_of_day"],
                joined_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(patient)s is on the waitlist for an earlier time.") % {"patient": appointment.patient.full_name},
            )
            return redirect("waitlist")
    context = {"appointment": appointment, "entry": entry, "form": form}
    return render(request, "scheduling/appointment_waitlist.html", context, status=400 if form.errors else 200)


@require_POST
@role_required(*STAFF)
def waitlist_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(WaitlistEntry.objects.select_related("patient"), pk=pk)
    waitlist.leave(entry=entry)
    messages.success(request, _("%(patient)s is off the waitlist.") % {"patient": entry.patient.full_name})
    return redirect("waitlist")
