"""The production settings plus the benchmark's baseline page (bench/urls.py).

Used only by bench/run.py: the baseline view stays out of the application's URLconf."""

import os

from clinic.settings import *  # noqa: F403
from clinic.settings import STATIC_ROOT

ROOT_URLCONF = "bench.urls"
# bench/run.py collects the static files into a temporary folder.
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT") or STATIC_ROOT
