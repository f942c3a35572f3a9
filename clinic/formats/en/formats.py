"""English as the clinic writes it, in Europe: day before month, weeks from Monday."""

from django.conf.locale.en_GB.formats import *  # noqa: F403
