"""The lot recall: every patient who received a lot, on screen or as a spreadsheet, and the
registered lots about to expire; the product and lot picker's suggestions."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clinic.http import content_disposition
from clinic.roles import Role, role_required
from treatments import recall
from treatments.models import EXPIRY_NOTICE_DAYS, Lot, Product, SessionLot, normalised_lot_number


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
        response["Content-Disposition"] = content_disposition(f"recall-lot-{slugify(query)}.csv", attachment=True)
        recall.write_csv(response, lots)
        return response
    context = {
        "query": query,
        "product": product,
        "searching": searching,
        "lots": lots,
        "expiring": recall.expiring_lots(timezone.localdate()),
        "notice_days": EXPIRY_NOTICE_DAYS,
    }
    return render(request, "treatments/lot_recall.html", context)


def searched(request: HttpRequest, name: str, longest: int) -> str:
    return request.GET.get(name, "").replace("\x00", "").strip()[:longest]


# The picker's suggestions on the recording page: a handful, as one types.
SUGGESTIONS = 10


@require_GET
@role_required(Role.DERMATOLOGIST)
def product_search(request: HttpRequest) -> JsonResponse:
    """The catalogue's active products whose name, manufacturer or presentation contains `q`."""
    query = searched(request, "q", 120)
    products = Product.objects.matching(query)[:SUGGESTIONS] if query else []
    return JsonResponse({"products": [{"id": product.pk, "label": product.label} for product in products]})


@require_GET
@role_required(Role.DERMATOLOGIST)
def lot_search(request: HttpRequest) -> JsonResponse:
    """The registered lots of one product whose number starts as `q` does (compared
    normalised), the latest expiry first, each with its expiry to fill in."""
    product = searched(request, "product", 20)
    if not product.isdigit():
        return JsonResponse({"error": _("Choose a product first.")}, status=400)
    lots = Lot.objects.filter(
        product_id=int(product), normalised_lot_number__startswith=normalised_lot_number(searched(request, "q", 60))
    ).order_by("-expiry_date", "normalised_lot_number")[:SUGGESTIONS]
    today = timezone.localdate()
    return JsonResponse(
        {
            "lots": [
                {
                    "id": lot.pk,
                    "lot_number": lot.lot_number,
                    "expiry": f"{lot.expiry_date:%d/%m/%Y}",
                    "expired": lot.expiry_date < today,
                }
                for lot in lots
            ]
        }
    )
