"""Reads of cross-agency matches, with the hidden side reduced to who to ask.

The one rule: for a user, the other seizure of a match is shown (id, reference, link) only
when it is in `Seizure.objects.visible_to(user)`. Otherwise the match is *blind*: the agency
and the kind of identifier are all that leaves this module. Pages and the API render the
`MatchRow`/`MatchSide` values built here, never the hidden Seizure object itself.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from cases.choices import IdentifierKind
from cases.matching.models import AccessRequest, Match
from cases.seizures.models import Seizure

if TYPE_CHECKING:
    # Only mypy reads these: django-stubs-ext is a development requirement.
    from django_stubs_ext import WithAnnotations

    class SideAnnotations(TypedDict):
        """What `_with_sides` adds to each match."""

        a_visible: bool
        b_visible: bool
        access_requested: bool

    SidedMatch = WithAnnotations[Match, SideAnnotations]


@dataclass(frozen=True)
class MatchSide:
    agency_code: str
    agency_name: str
    mine: bool
    visible: bool
    # Only set where the caller may see the seizure.
    id: int | None = None
    reference: str | None = None

    @property
    def blind(self) -> bool:
        return not self.visible

    @property
    def url(self) -> str | None:
        if self.id is None:
            return None
        try:
            return reverse("seizures:detail", args=[self.id])
        except NoReverseMatch:
            return f"/seizures/{self.id}/"


@dataclass(frozen=True)
class MatchRow:
    id: int
    kind: str
    normalized: str
    created_at: object
    mine: MatchSide | None
    other: MatchSide
    sides: tuple[MatchSide, ...]
    # Access request of the caller's agency for the hidden side, if any.
    access_requested: bool = False

    @property
    def kind_label(self) -> str:
        try:
            return str(IdentifierKind(self.kind).label)
        except ValueError:
            return self.kind


def _with_sides(matches: QuerySet[Match], *, user, agency_id: int) -> QuerySet[SidedMatch]:
    """Matches with both sides' agencies, whether the reader may see each side, and whether
    its agency already asked for access: what every match listing needs, in one query."""
    visible = Seizure.objects.visible_to(user)
    return (
        matches.select_related("seizure_a__agency", "seizure_b__agency")
        .only(
            "id",
            "kind",
            "normalized",
            "created_at",
            "seizure_a__id",
            "seizure_a__reference",
            "seizure_a__agency__code",
            "seizure_a__agency__name",
            "seizure_b__id",
            "seizure_b__reference",
            "seizure_b__agency__code",
            "seizure_b__agency__name",
        )
        .annotate(
            a_visible=Exists(visible.filter(pk=OuterRef("seizure_a_id"))),
            b_visible=Exists(visible.filter(pk=OuterRef("seizure_b_id"))),
            access_requested=Exists(
                AccessRequest.objects.filter(
                    Q(seizure_id=OuterRef("seizure_a_id")) | Q(seizure_id=OuterRef("seizure_b_id")),
                    requesting_agency_id=agency_id,
                )
            ),
        )
        .order_by("-created_at", "-id")
    )


def _agency_id(user) -> int | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.agency_id


def match_list(*, user) -> QuerySet[SidedMatch]:
    """Matches involving the user's agency, each side annotated with whether the user sees it.

    Three joins (two seizures, two agencies) and two EXISTS on the visibility queryset: one
    query whatever the page size.
    """
    agency_id = _agency_id(user)
    if agency_id is None:
        return Match.objects.none()
    return _with_sides(Match.objects.involving(agency_id), user=user, agency_id=agency_id)


def _side(seizure: Seizure, *, visible: bool, agency_id: int | None) -> MatchSide:
    agency = seizure.agency
    if visible:
        return MatchSide(
            agency_code=agency.code,
            agency_name=agency.name,
            mine=seizure.agency_id == agency_id,
            visible=True,
            id=seizure.pk,
            reference=seizure.reference,
        )
    # Blind: nothing of the seizure beyond whose it is.
    return MatchSide(agency_code=agency.code, agency_name=agency.name, mine=False, visible=False)


def match_row(match: SidedMatch, *, user) -> MatchRow:
    """Reduce an annotated match (from `match_list`) to what the user may know of it."""
    agency_id = _agency_id(user)
    a = _side(match.seizure_a, visible=bool(match.a_visible), agency_id=agency_id)
    b = _side(match.seizure_b, visible=bool(match.b_visible), agency_id=agency_id)
    if a.mine:
        mine, other = a, b
    elif b.mine:
        mine, other = b, a
    else:
        mine, other = None, b
    return MatchRow(
        id=match.pk,
        kind=match.kind,
        normalized=match.normalized,
        created_at=match.created_at,
        mine=mine,
        other=other,
        sides=tuple(s for s in (mine, other) if s is not None) if mine else (a, b),
        access_requested=bool(getattr(match, "access_requested", False)),
    )


def get_match_for(user, pk) -> Match:
    """The match if it involves the user's agency (annotated as in `match_list`), else 404."""
    try:
        return match_list(user=user).get(pk=pk)
    except (Match.DoesNotExist, ValueError, TypeError):
        raise Http404


def linked_seizures_for(user, seizure: Seizure) -> list[MatchRow]:
    """The "linked seizures" panel of a seizure the user can already see.

    The user's own agency is party to a match of its own seizure: it sees blind rows (agency and
    kind of identifier). A third agency looking at a shared seizure sees only links to seizures
    it may see itself — a blind row would tell it that a hidden seizure exists.
    """
    agency_id = _agency_id(user)
    if agency_id is None:
        return []
    matches = _with_sides(
        Match.objects.filter(Q(seizure_a_id=seizure.pk) | Q(seizure_b_id=seizure.pk)), user=user, agency_id=agency_id
    )
    rows = []
    for match in matches:
        own_is_a = match.seizure_a_id == seizure.pk
        other_visible = bool(match.b_visible if own_is_a else match.a_visible)
        party = agency_id in (match.seizure_a.agency_id, match.seizure_b.agency_id)
        if not other_visible and not party:
            continue
        row = match_row(match, user=user)
        this = _side(seizure, visible=True, agency_id=agency_id)
        other_seizure = match.seizure_b if own_is_a else match.seizure_a
        other = _side(other_seizure, visible=other_visible, agency_id=agency_id)
        rows.append(replace(row, mine=this, other=other, sides=(this, other)))
    return rows


def access_request_list_for_owner(*, user) -> QuerySet[AccessRequest]:
    """Pending access requests to the user's agency's seizures (the owner decides on them)."""
    agency_id = _agency_id(user)
    if agency_id is None:
        return AccessRequest.objects.none()
    return (
        AccessRequest.objects.filter(seizure__agency_id=agency_id, granted_at__isnull=True)
        .select_related("seizure", "requesting_agency", "requested_by", "match")
        .order_by("-created_at", "-id")
    )


def get_access_request_for(user, pk) -> AccessRequest:
    """An access request to one of the user's agency's seizures, else 404."""
    agency_id = _agency_id(user)
    if agency_id is None:
        raise Http404
    try:
        return AccessRequest.objects.select_related("seizure", "requesting_agency").get(
            pk=pk, seizure__agency_id=agency_id
        )
    except (AccessRequest.DoesNotExist, ValueError, TypeError):
        raise Http404
