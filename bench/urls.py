"""The application's URLs and one more page: the baseline the benchmark compares pages with."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from clinic.urls import handler500
from clinic.urls import urlpatterns as application_urls
from scheduling.models import Room

__all__ = ["handler500", "urlpatterns"]


@require_GET
@login_required
def baseline(request: HttpRequest) -> HttpResponse:
    """A signed-in page doing one query of its own, through the same middleware as every page."""
    rooms = Room.objects.filter(active=True).count()
    return HttpResponse(f"<!doctype html><title>Baseline</title><p>{rooms} rooms</p>")


urlpatterns = [path("bench/baseline/", baseline, name="bench_baseline"), *application_urls]
