from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.forms import DateInput
from consents.models import ConsentForm


class PaperConsentForm(forms.Form):
    """A paper form the patient signed, recorded from the chart: which, when, and its scan."""

    form = forms.ModelChoiceField(label=_("Form"), queryset=ConsentForm.objects.filter(active=True), empty_label=None)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    scan = forms.FileField(
        label=_("Scan of the signed form"),
        required=False,
        help_text=_("Optional. A PDF, JPEG or PNG file of at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].initial = timezone.localdate()


class WithdrawalForm(forms.Form):
    on = forms.DateField(label=_("Withdrawn on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
