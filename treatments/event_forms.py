"""The forms of what happens after a session: an adverse event and its follow-up, the
decision on an allergy a severe reaction suggests, and the resolution of an unverified
allergy. Each field's message comes from the model or the write function, so the form and
the record agree."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clinic.forms import DateInput
from treatments.models import AdverseEvent, Allergen

EVENT_WIDGETS = {
    "onset_date": DateInput(),
    "follow_up_date": DateInput(),
    "description": forms.Textarea(attrs={"rows": 2}),
    "treatment_given": forms.Textarea(attrs={"rows": 2}),
}


class AdverseEventForm(forms.ModelForm):
    """A new event; built on an AdverseEvent of its session so that the dates are checked
    against the day of the session."""

    class Meta:
        model = AdverseEvent
        fields = [
            "onset_date",
            "type",
            "severity",
            "description",
            "treatment_given",
            "outcome",
            "follow_up_date",
            "reported_to_vigilance",
            "vigilance_reference",
        ]
        widgets = EVENT_WIDGETS


class AdverseEventFollowUpForm(forms.ModelForm):
    """What a follow-up changes; the onset, type and description stay as recorded."""

    class Meta:
        model = AdverseEvent
        fields = [
            "severity",
            "treatment_given",
            "outcome",
            "follow_up_date",
            "reported_to_vigilance",
            "vigilance_reference",
        ]
        widgets = EVENT_WIDGETS


class DismissSuspectedAllergyForm(forms.Form):
    dismissal_reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Why is it not an allergy to these ingredients?"),
        error_messages={"required": _("Say why it is not an allergy.")},
    )


class LinkUnverifiedAllergyForm(forms.Form):
    allergen = forms.ModelChoiceField(
        queryset=Allergen.objects.active(),
        label=_("It is an allergy to"),
        empty_label=_("Choose an allergen"),
        error_messages={
            "required": _("Choose the allergen it names."),
            "invalid_choice": _("Choose an allergen from the list."),
        },
    )


class DismissUnverifiedAllergyForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Why does it not concern what the clinic injects?"),
        error_messages={"required": _("Say why it is not relevant.")},
    )
