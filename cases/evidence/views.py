"""Evidence pages: a seizure's files and custody record, uploads, downloads and thumbnails.

Access comes from the seizure's rule (get_seizure_for / get_evidence_for: 404 for the
invisible, 403 for the read-only); what a reader may change from cases.evidence.permissions.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.exceptions import APIException

from cases.evidence import services
from cases.evidence.downloads import INTEGRITY_FAILED, download_response
from cases.evidence.forms import CustodyForm, EvidenceUploadForm
from cases.evidence.models import CustodyAction, Evidence
from cases.evidence.permissions import can_add_evidence, can_delete_evidence
from cases.evidence.selectors import (
    custody_of,
    evidence_of,
    evidence_with_thumbnail_ids,
    get_evidence_for,
    get_thumbnail_for,
    purity_by_item,
)
from cases.evidence.uploads import use_evidence_handlers
from cases.seizures.models import Seizure
from cases.seizures.selectors import get_seizure_for
from cases.seizures.services import seizure_record_access
from crackdown.views import domain_errors
from members.http import AuthenticatedHttpRequest


def _page(
    request: AuthenticatedHttpRequest,
    seizure: Seizure,
    *,
    upload_form: EvidenceUploadForm | None = None,
    custody_form: CustodyForm | None = None,
    upload_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    files = list(evidence_of(seizure))
    writer = can_add_evidence(request.user, seizure)
    context = {
        "seizure": seizure,
        "files": files,
        "thumbnails": evidence_with_thumbnail_ids(seizure),
        "custody": custody_of(seizure),
        "purity": purity_by_item(seizure),
        "can_write": writer,
        "can_delete": can_delete_evidence(request.user, seizure),
        "upload_form": upload_form or EvidenceUploadForm(),
        "upload_errors": upload_errors or [],
        "custody_form": custody_form
        or CustodyForm(seizure=seizure, files=files, initial={"at": timezone.localtime().replace(second=0)}),
        "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
        "max_files": settings.EVIDENCE_MAX_FILES,
        "analysed": CustodyAction.ANALYSED,
    }
    return render(request, "evidence/page.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def evidence_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    seizure = get_seizure_for(request.user, pk)
    seizure_record_access(seizure=seizure, user=request.user, action="view")
    return _page(request, seizure)


# --- upload -------------------------------------------------------------------------------


def _wants_json(request: AuthenticatedHttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _refused(
    request: AuthenticatedHttpRequest,
    pk: int,
    messages_: list[str],
    status: int,
    form: EvidenceUploadForm | None = None,
) -> HttpResponse:
    """The page again with the refusal above the upload form (or JSON for the page's script).

    A body refused while it was read (413, 415) has no form data to keep; otherwise the kind
    and description chosen stay filled in."""
    if _wants_json(request):
        return JsonResponse({"file": messages_}, status=status)
    seizure = get_seizure_for(request.user, pk)
    return _page(request, seizure, upload_form=form, upload_errors=messages_, status=status)


def _messages(exc: APIException) -> list[str]:
    detail: Any = exc.detail
    if isinstance(detail, dict):
        return [str(m) for values in detail.values() for m in values]
    return [str(detail)]


@csrf_exempt
@login_required
@require_POST
def evidence_upload_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Files of a page's upload form (or the page's script, one file per request, JSON answer).

    The upload handlers are set before anything reads the body, so the CSRF check runs after
    (csrf_protect below, as Django's documentation on upload handlers prescribes).
    """
    use_evidence_handlers(request, max_files=settings.EVIDENCE_MAX_FILES)
    try:
        return _upload(request, pk)
    except APIException as exc:  # 413, 415, too many files: raised while the body is read
        return _refused(request, pk, _messages(exc), exc.status_code)


@csrf_protect
@domain_errors
def _upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    seizure = get_seizure_for(request.user, pk, write=True)
    form = EvidenceUploadForm(request.POST)
    files = request.FILES.getlist("files")
    try:
        if not form.is_valid():
            if _wants_json(request):
                return JsonResponse({k: [str(m) for m in v] for k, v in form.errors.items()}, status=400)
            return _page(request, seizure, upload_form=form, status=400)
        try:
            rows = services.evidence_upload(
                seizure=seizure,
                by=request.user,
                files=files,
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            errors = [str(m) for values in exc.message_dict.values() for m in values]
            return _refused(request, pk, errors, 400, form)
    finally:
        for file in files:
            file.close()
    if _wants_json(request):
        return JsonResponse({"ids": [row.pk for row in rows]}, status=201)
    messages.success(
        request,
        ngettext("%(count)d file added.", "%(count)d files added.", len(rows)) % {"count": len(rows)},
    )
    return redirect("evidence:page", pk=seizure.pk)


# --- custody ------------------------------------------------------------------------------


@login_required
@require_POST
@domain_errors
def custody_add_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    seizure = get_seizure_for(request.user, pk, write=True)
    files = list(evidence_of(seizure))
    form = CustodyForm(request.POST, seizure=seizure, files=files)
    if form.is_valid():
        try:
            services.custody_record(seizure=seizure, by=request.user, data=form.data_for_service())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Custody entry recorded."))
            return redirect("evidence:page", pk=seizure.pk)
    return _page(request, seizure, custody_form=form, status=400)


# --- files --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def download_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    evidence = get_evidence_for(request.user, pk)
    if not services.evidence_check_download(evidence=evidence, by=request.user):
        return render(request, "errors/409.html", {"message": INTEGRITY_FAILED}, status=409)
    return download_response(evidence)


@login_required
@require_http_methods(["GET"])
def thumbnail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    data = get_thumbnail_for(request.user, pk)
    if data is None:
        raise Http404(_("No preview of this file."))
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
@domain_errors
def delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evidence: Evidence = get_evidence_for(request.user, pk, write=True)
    seizure_pk, name = evidence.seizure_id, evidence.filename
    services.evidence_delete(evidence=evidence, by=request.user)
    messages.success(request, _("File %(name)s deleted.") % {"name": name})
    return redirect("evidence:page", pk=seizure_pk)
