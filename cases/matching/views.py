"""The matches page: matches involving my agency, blind where the other seizure is hidden."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.matching.permissions import can_act_on_matches
from cases.matching.selectors import (
    access_request_list_for_owner,
    get_access_request_for,
    get_match_for,
    match_list,
    match_row,
)
from cases.matching.services import access_request_create, access_request_grant
from crackdown.errors import Conflict, Forbidden
from crackdown.paging import keyset_page


@login_required
def match_list_view(request: HttpRequest) -> HttpResponse:
    # Keyset on the id alone: a match is found once and never moves.
    page = keyset_page(match_list(user=request.user).order_by("-id"), request.GET, by=None)
    context = {
        "rows": [match_row(match, user=request.user) for match in page.rows],
        "after": page.after,
        "next_query": page.next_query,
        "requests": list(access_request_list_for_owner(user=request.user)[:100]),
        "can_act": can_act_on_matches(request.user),
    }
    return render(request, "matching/list.html", context)


def _act(request: HttpRequest, service: Callable[[], object], *, done: str, already: str) -> HttpResponse:
    """Run a service from the matches page: Forbidden is the 403 page, Conflict (done before) a notice."""
    try:
        service()
    except Forbidden as exc:
        raise PermissionDenied(str(exc))
    except Conflict:
        messages.info(request, already)
    else:
        messages.success(request, done)
    return redirect("matching:list")


@login_required
@require_POST
def request_access_view(request: HttpRequest, pk: int) -> HttpResponse:
    match = get_match_for(request.user, pk)
    return _act(
        request,
        lambda: access_request_create(match=match, by=request.user),
        done=_("Access requested. The owning agency has been alerted."),
        already=_("Your agency can already see that seizure."),
    )


@login_required
@require_POST
def grant_access_view(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = get_access_request_for(request.user, pk)
    return _act(
        request,
        lambda: access_request_grant(access_request=access_request, by=request.user),
        done=_("The seizure is now shared with %(agency)s.") % {"agency": access_request.requesting_agency.code},
        already=_("That request was already granted."),
    )
