"""The production settings (run with DJANGO_DEBUG=0) for a server a test starts: static
files from the finders, since the test does not collect them, and no HTTPS redirect, since
it speaks plain HTTP."""

from clinic.settings import *  # noqa: F403
from clinic.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
SECURE_SSL_REDIRECT = False
