"""The lot recall: every patient who received a lot, on screen or as a spreadsheet, and the
recorded lots about to expire."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from clinic.roles import Role, role_required
from treatments import recall
from treatments.models import EXPIRY_NOTICE_DAYS, SessionLot, normalised_lot_number


@require_GET
@role_required(Role.DERMATOLOGIST)
def lot_recall(request: HttpRequest) -> HttpResponse:
    query = searched(request, "q", 60)
    product = searched(request, "product", 120)
    # A query of only spaces and dashes names no lot.
    searching = bool(normalised_lot_number(query))
    lots = recall.lots_given(request.user, query, product) if searching else SessionLot.objects.none()
    if request.GET.get("format") == "csv" and searching:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="recall-lot-{slugify(query)}.csv"'
        recall.write_csv(response, lots)
        return response
    context = {
        "query": query,
        "product": product,
        "searching": searching,
        "lots": lots,
        "expiring": recall.expiring_lots(request.user, timezone.localdate()),
        "notice_days": EXPIRY_NOTICE_DAYS,
    }
    return render(request, "treatments/lot_recall.html", context)


def searched(request: HttpRequest, name: str, longest: int) -> str:
    return request.GET.get(name, "").replace("\x00", "").strip()[:longest]
