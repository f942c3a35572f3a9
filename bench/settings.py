"""The production settings plus the benchmark's baseline page (bench/urls.py) and its app
(the seed_scale command).

Used only by bench/run.py: the baseline view and seed_scale stay out of the application."""

import os

from clinic.settings import *  # noqa: F403
from clinic.settings import INSTALLED_APPS, STATIC_ROOT

ROOT_URLCONF = "bench.urls"
# bench/run.py collects the static files into a temporary folder.
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT") or STATIC_ROOT
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
