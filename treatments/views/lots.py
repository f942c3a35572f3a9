"""The lot recall: every patient who received a lot, on screen or as a spreadsheet."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from clinic.roles import Role, role_required
from treatments import recall
from treatments.models import SessionLot, TreatmentSession


@require_GET
@role_required(Role.DERMATOLOGIST)
def lot_recall(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").replace("\x00", "").strip()[:60]
    lots = SessionLot.objects.none()
    if query:
        lots = (
            SessionLot.objects.filter(
                lot_number__istartswith=query, session__in=TreatmentSession.objects.visible_to(request.user)
            )
            .select_related("session__plan__patient", "session__practitioner")
            .order_by("session__done_at")
        )
    if request.GET.get("format") == "csv" and query:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="recall-lot-{slugify(query)}.csv"'
        recall.write_csv(response, lots)
        return response
    return render(request, "treatments/lot_recall.html", {"query": query, "lots": lots})
