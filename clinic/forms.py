from django import forms
from django.core.exceptions import ValidationError


def add_error_by_field(form: forms.Form, error: ValidationError) -> None:
    """Show a write function's refusal by the field it names when the form has that field,
    else at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
