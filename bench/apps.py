from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark's tools (the seed_scale command); installed only by bench/settings.py."""

    name = "bench"
