from datetime import datetime
from uuid import UUID

from django import forms
from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from clinic.forms import DateInput
from clinic.models import User
from clinic.roles import Role
from patients.models import Patient
from scheduling.models import APPOINTMENT_MINUTES, Room, TimeOfDay, WorkingHours
from treatments.models import TreatmentSession

# "30 minutes" reads the same in French.
MINUTE_CHOICES = [(minutes, f"{minutes} minutes") for minutes in APPOINTMENT_MINUTES]


class LocalDateTimeField(forms.DateTimeField):
    """`YYYY-MM-DDTHH:MM` in the clinic's time, as a datetime-local input sends it."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "step": 900}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def to_python(self, value) -> datetime | None:
        moment = super().to_python(value)
        if moment is not None and not 2000 <= moment.year <= 2100:
            raise forms.ValidationError(_("Enter a date between 2000 and 2100."))
        return moment


def dermatologists():
    return User.objects.filter(groups__name=Role.DERMATOLOGIST, is_active=True).order_by("last_name", "first_name")


class AppointmentForm(forms.Form):
    """The booking form; its fields are named after book_appointment's parameters."""

    patient = forms.ModelChoiceField(queryset=Patient.objects.none(), widget=forms.HiddenInput, to_field_name="pk")
    practitioner = forms.ModelChoiceField(queryset=User.objects.none(), label=gettext_lazy("Practitioner"))
    room = forms.ModelChoiceField(queryset=Room.objects.filter(active=True), label=gettext_lazy("Room"))
    start = LocalDateTimeField(label=pgettext_lazy("appointment", "Start"))
    minutes = forms.TypedChoiceField(choices=MINUTE_CHOICES, coerce=int, initial=30, label=gettext_lazy("Length"))
    session = forms.ModelChoiceField(
        queryset=TreatmentSession.objects.none(),
        required=False,
        label=gettext_lazy("Course session"),
        to_field_name="pk",
    )

    def __init__(self, *args, patients, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = patients
        self.fields["practitioner"].queryset = dermatologists()
        sessions = (
            TreatmentSession.objects.awaiting_booking()
            .filter(plan__patient__in=patients)
            .select_related("plan__patient")
        )
        # Once the patient is known, only their course sessions are offered.
        if patient := self.chosen_patient_id():
            sessions = sessions.filter(plan__patient=patient)
        self.fields["session"].queryset = sessions.order_by("plan__patient__name_key", "number")
        self.fields["session"].label_from_instance = lambda session: (
            _("%(patient)s: session %(number)s of the %(indication)s course (%(earliest)s–%(latest)s)")
            % {
                "patient": session.plan.patient.full_name,
                "number": session.number,
                "indication": session.plan.get_indication_display().lower(),
                "earliest": date_format(session.earliest_date, "d/m"),
                "latest": date_format(session.latest_date, "d/m"),
            }
        )
        self.fields["patient"].error_messages["invalid_choice"] = _("Choose a patient from the search.")
        self.fields["session"].error_messages["invalid_choice"] = _(
            "That session is not one of this patient's course sessions still to book."
        )

    def chosen_patient_id(self) -> UUID | None:
        """The patient picked so far (posted, or given in the address), before validation."""
        value = self.data.get("patient") if self.is_bound else self.initial.get("patient")
        try:
            return UUID(str(value)) if value else None
        except ValueError:
            return None


class RescheduleForm(forms.Form):
    practitioner = forms.ModelChoiceField(queryset=User.objects.none(), label=gettext_lazy("Practitioner"))
    room = forms.ModelChoiceField(queryset=Room.objects.filter(active=True), label=gettext_lazy("Room"))
    start = LocalDateTimeField(label=gettext_lazy("New start"))
    minutes = forms.TypedChoiceField(choices=MINUTE_CHOICES, coerce=int, label=gettext_lazy("Length"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].queryset = dermatologists()


class MoveFinderForm(forms.Form):
    """The slot finder beside a move: a day, a length and, if wanted, one practitioner."""

    prefix = "find"  # beside the move's own form, on one page

    date = forms.DateField(label=gettext_lazy("Day"), widget=DateInput())
    minutes = forms.TypedChoiceField(choices=MINUTE_CHOICES, coerce=int, label=gettext_lazy("Length"))
    practitioner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=gettext_lazy("Practitioner"),
        empty_label=gettext_lazy("Anyone"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].queryset = dermatologists()

    def clean_date(self) -> date:
        day = self.cleaned_data["date"]
        if not 2000 <= day.year <= 2100:
            raise forms.ValidationError(_("Choose a day between 2000 and 2100."))
        return day


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=200, label=gettext_lazy("Why is it cancelled?"))


class SlotQueryForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Day"))
    minutes = forms.TypedChoiceField(choices=MINUTE_CHOICES, coerce=int, initial=30, required=False)
    practitioner = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label=gettext_lazy("Practitioner")
    )
    room = forms.ModelChoiceField(queryset=Room.objects.filter(active=True), required=False, label=gettext_lazy("Room"))
    # The patient being booked: slots when they already have an appointment are left out.
    patient = forms.ModelChoiceField(queryset=Patient.objects.none(), required=False, to_field_name="pk")

    def __init__(self, *args, patients, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].queryset = dermatologists()
        self.fields["patient"].queryset = patients

    def clean_date(self) -> date:
        day = self.cleaned_data["date"]
        if not 2000 <= day.year <= 2100:
            raise forms.ValidationError(_("Choose a day between 2000 and 2100."))
        return day


class CourseBookingForm(forms.Form):
    practitioner = forms.ModelChoiceField(queryset=User.objects.none(), label=gettext_lazy("Practitioner"))
    minutes = forms.TypedChoiceField(choices=MINUTE_CHOICES, coerce=int, label=gettext_lazy("Length"))
    weekday = forms.TypedChoiceField(
        choices=[
            ("", gettext_lazy("Any day")),
            *(
                (day, label)
                for day, label in WorkingHours.Weekday.choices
                if day not in settings.CLINIC_CLOSED_WEEKDAYS
            ),
        ],
        coerce=int,
        empty_value=None,
        required=False,
        label=gettext_lazy("Preferred day"),
    )
    time_of_day = forms.ChoiceField(choices=TimeOfDay.choices, required=False, label=gettext_lazy("Preferred time"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].queryset = dermatologists()


class WaitlistForm(forms.Form):
    """The days and the time of day a patient waiting for an earlier slot prefers."""

    weekdays = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Days that suit"),
        help_text=gettext_lazy("None ticked: any day the clinic is open."),
    )
    time_of_day = forms.ChoiceField(
        choices=TimeOfDay.choices,
        required=False,
        widget=forms.RadioSelect,
        label=gettext_lazy("Time of day"),
        initial=TimeOfDay.ANY,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["weekdays"].choices = [
            (day.value, day.label) for day in WorkingHours.Weekday if day.value not in settings.CLINIC_CLOSED_WEEKDAYS
        ]
