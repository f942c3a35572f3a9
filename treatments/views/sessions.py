"""A session's aftercare sheet: the PDF, its preview, its handover on paper. The record
itself and its corrections are on the session page (workday.views.sessions)."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clinic.http import client_ip, pdf_response
from clinic.roles import Role, role_required
from treatments import documents
from treatments.access import get_session_for_user
from treatments.models import DocumentHandover


@require_GET
@role_required(Role.DERMATOLOGIST, Role.FRONT_DESK, Role.PATIENT)
def aftercare_pdf(request: HttpRequest, pk: UUID) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    sheet = None if session.is_called_off else documents.aftercare_sheet(session)
    if sheet is None or sheet["withheld"]:
        return no_sheet_page(request, session)
    documents.record_download(
        document=DocumentHandover.Document.AFTERCARE, session=session, by=request.user, ip_address=client_ip(request)
    )
    filename = documents.aftercare_file_name(session, done=sheet["done"])
    return pdf_response(request, "documents/aftercare.html", {"sheets": [sheet]}, filename=filename)


@require_GET
@role_required(Role.DERMATOLOGIST, Role.FRONT_DESK)
def aftercare_preview(request: HttpRequest, pk: UUID) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    sheet = None if session.is_called_off else documents.aftercare_sheet(session)
    if sheet is None or sheet["withheld"]:
        return no_sheet_page(request, session)
    return render(request, "documents/aftercare.html", {"sheets": [sheet], "preview": True})


def no_sheet_page(request: HttpRequest, session) -> HttpResponse:
    """In place of a sheet: the session is called off, or on clinical hold (a sheet would
    tell the patient to come while a dermatologist has to decide first)."""
    return render(request, "treatments/no_sheet.html", {"session": session, "clinic": documents.clinic_details()})


@require_POST
@role_required(Role.DERMATOLOGIST, Role.FRONT_DESK)
def aftercare_handed_over(request: HttpRequest, pk: UUID) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    documents.record_paper_handover(session=session, by=request.user, ip_address=client_ip(request))
    messages.success(request, _("Recorded: the aftercare sheet was handed over on paper."))
    return redirect(request.POST.get("next") if request.POST.get("next") == "/today/" else session)
