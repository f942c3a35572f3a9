from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator


class DateInput(forms.DateInput):
    """A browser date picker; the value goes out as ISO, whatever the language."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def add_error_by_field(form: forms.Form, error: ValidationError) -> None:
    """Show a write function's refusal by the field it names when the form has that field,
    else at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class RefusesOverlongUsernames:
    """Refuses a username longer than a username can be before it reaches authentication (and
    django-axes' log of failed attempts, whose column is shorter than what a browser can post).
    Django's sign-in forms set the field's max_length without its validator."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].validators.append(MaxLengthValidator(self.fields["username"].max_length))


class SignInForm(RefusesOverlongUsernames, AuthenticationForm):
    pass


class AdminSignInForm(RefusesOverlongUsernames, AdminAuthenticationForm):
    pass
