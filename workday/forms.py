from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from patients.forms import PatientForm
from treatments.models import Allergen


class PatientRecordForm(PatientForm):
    """The patient's record as the chart registers and edits it: the registry's fields and,
    for dermatologists, allergies to the allergen catalogue (the free text "other
    allergies" is read against it on saving: `workday.patient_records`)."""

    allergens = forms.ModelMultipleChoiceField(
        queryset=Allergen.objects.active(),
        required=False,
        label=_("Allergic to"),
        help_text=_("Cocktails containing these are refused for this patient."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, clinical: bool, **kwargs) -> None:
        super().__init__(*args, clinical=clinical, **kwargs)
        if not clinical:
            del self.fields["allergens"]
            return
        self.fields["allergies"].help_text = _(
            "One per line or comma. Each is looked up in the allergen catalogue; one it does not know blocks "
            "treatment until a dermatologist resolves it."
        )
        if self.instance._state.adding:
            return
        on_record = list(self.instance.allergens.all())
        # An allergen made inactive since stays chosen, so that saving does not drop it.
        self.fields["allergens"].queryset = Allergen.objects.filter(
            Q(active=True) | Q(pk__in=[allergen.pk for allergen in on_record])
        )
        self.fields["allergens"].initial = on_record

    def chosen_allergies(self) -> list[Allergen] | None:
        """The allergies to record, or None when the form leaves them as they are."""
        if "allergens" not in self.fields:
            return None
        if not self.instance._state.adding and "allergens" not in self.changed_data:
            return None
        return list(self.cleaned_data["allergens"])


class SkipSessionForm(forms.Form):
    # Short enough to stand whole on the cancelled appointment ("Session 2 is skipped: …").
    reason = forms.CharField(
        max_length=170,
        label=_("Why is this session skipped?"),
        error_messages={"required": _("Say why the session is skipped.")},
    )


class ResumePlanForm(forms.Form):
    reason = forms.CharField(
        max_length=250,
        label=_("Why is the course resumed?"),
        error_messages={"required": _("Say why the course is resumed.")},
    )
