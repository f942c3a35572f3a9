"""The staff member's password, which takes the tablet out of kiosk mode."""

from django import forms
from django.utils.translation import gettext_lazy as _


class UnlockForm(forms.Form):
    password = forms.CharField(
        label=_("Staff password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Type your password to take the tablet back.")},
    )
