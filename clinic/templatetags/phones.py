"""`{{ patient.phone|tel_href }}`: the `tel:` address of a phone number as people write it."""

import re

from django import template

register = template.Library()

# What people put between digits ("01 23 45 67 89", "+33 (0)1.23.45.67.89"); a tel: address
# allows none of it (RFC 3966: digits, and a "+" before an international number).
NOT_DIALLED = re.compile(r"\(0\)|[^\d+]")


@register.filter
def tel_href(phone: str) -> str:
    """ "tel:0123456789" for "01 23 45 67 89"; "tel:+33123456789" for "+33 1 23 45 67 89" and
    for "0033 1 23 45 67 89"."""
    dialled = NOT_DIALLED.sub("", phone)
    if dialled.startswith("00"):
        dialled = "+" + dialled[2:]
    return "tel:" + dialled[:1] + dialled[1:].replace("+", "")
