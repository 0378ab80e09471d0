"""Who may see a seizure (DESIGN.md, "Roles and visibility"): the one rule and its forms.

The owning agency sees all of its seizures, drafts included. Another agency sees a submitted
or verified seizure only when it is shared with all members, or shared with a joint operation
the agency has accepted, or when the agency is named in shared_with.

The rule is written once, in `_rule`, from three parts: the agency's own seizures, the public
ones (every member sees them) and the ones seen through an accepted operation or by name. Each
reader of seizures needs it in a form its query plan can use (docs/performance.md says why
each exists); every form below is built from those parts, and tests/cases/seizures/
test_visibility_forms.py holds each of them to `Seizure.objects.visible_to` on random data:

- `condition(model, agency_id)`: the rule as a condition, for any query (aggregates, exports,
  subqueries); "named in shared_with" is hashed once per query.
- `paged_condition(model, agency_id)`: the same seizures for a page read in index order with
  a LIMIT; "named" is probed per row read (a range PostgreSQL cannot hash), compiled once.
- `in_summary` / `own_unshared` / `beyond_summary`: the rule cut along the dashboard's summary
  tables: own or public seizures are counted there (`is_public` says which summary key is
  public, for the rollups), the rest is counted live.
- `AcceptedOperations` / `operation_shown_to*` / `operation_link_shown`: which seizures' joint
  operation a reader may learn of.

The rule reads operation participation (cases.operations.models): which operations an agency
accepted decides what it sees, so this module is where seizures depend on operations.
"""

from __future__ import annotations

import functools
from collections.abc import Container, Mapping
from typing import Any

from django.db import NotSupportedError, models
from django.db.models import BooleanField, Exists, Expression, OuterRef, Q

from cases.choices import OperationStatus, ParticipantStatus, SeizureStatus, Sharing
from cases.operations.models import JointOperation, Participation

# The statuses in which a seizure can be seen outside its agency.
SHARED_STATUSES = (SeizureStatus.SUBMITTED, SeizureStatus.VERIFIED)
# The sharing levels beyond all members, named as the partial index seizure_beyond_members
# (migration 0005) is written: a negation would not let PostgreSQL use it.
_BEYOND_MEMBERS = tuple(level for level in Sharing.values if level != Sharing.MEMBERS)


# --- the parts of the rule -------------------------------------------------------------------


def _own(agency_id: int | None) -> Q:
    return Q(agency_id=agency_id)


def public() -> Q:
    """Seizures every member agency sees: submitted or verified, shared with all members."""
    return Q(status__in=SHARED_STATUSES, sharing=Sharing.MEMBERS)


def is_public(status: str, sharing: str) -> bool:
    """`public()` for one summary key: its seizures are counted in the public rollups."""
    return status in SHARED_STATUSES and sharing == Sharing.MEMBERS


def _accepted_operations(agency_id: int | None) -> models.QuerySet:
    return Participation.objects.accepted_by(agency_id).values("operation_id")


def _shares(model: type[models.Model]) -> models.QuerySet[Any]:
    """The rows of the seizure's shared_with: one (seizure_id, agency_id) per agency named.

    Read through the field, as `model` may be a migration's historical model.
    """
    field = model._meta.get_field("shared_with")
    through = field.remote_field.through if isinstance(field, models.ManyToManyField) else None
    if through is None:
        raise TypeError(f"{model.__name__}.shared_with is not a many-to-many field")
    return through._default_manager.all()


def _named(model: type[models.Model], agency_id: int, *, paged: bool) -> Q:
    """The agency is named in the seizure's shared_with."""
    if paged:
        # A range cannot be hashed: probed in the (seizure, agency) index for each row read.
        this_seizure = {"seizure_id__gte": OuterRef("pk"), "seizure_id__lte": OuterRef("pk")}
    else:
        this_seizure = {"seizure_id": OuterRef("pk")}
    # As a Q, to be or-ed with Qs; a Q of one condition adds no node to the query's tree.
    return Q(Exists(_shares(model).filter(**this_seizure, agency_id=agency_id)))


def _rule(model: type[models.Model], agency_id: int, *, paged: bool) -> Q:
    return _own(agency_id) | (
        Q(status__in=SHARED_STATUSES)
        & (
            Q(sharing=Sharing.MEMBERS)
            | Q(sharing=Sharing.OPERATION, operation_id__in=_accepted_operations(agency_id))
            | _named(model, agency_id, paged=paged)
        )
    )


# --- the forms ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=128)
def condition(model: type[models.Model], agency_id: int) -> Q:
    """The rule for one agency, as a condition on `model` (the seizure) for any query.

    Built once per agency: it holds no data, only the rule (its subqueries run with the query
    that uses it), and a filter reads a Q without changing it; building it took ~0.5 ms of a
    10 ms list request.
    """
    return _rule(model, agency_id, paged=False)


def paged_condition(model: type[models.Model], agency_id: int) -> Expression:
    """The rule for a page of a list walked in index order with a LIMIT (the same seizures).

    PostgreSQL plans "named in shared_with" as a hash of every seizure shared with the agency,
    built before the first row (16,000 rows, ~5–10 ms at 1,000,000 seizures), because it does
    not see that the LIMIT stops the walk after a few dozen rows. Written as a range the check
    cannot be hashed and is probed in the (seizure, agency) index for the few rows read.
    """
    return _PagedCondition(model, agency_id)


class _PagedCondition(Expression):
    """The paged form as SQL compiled once per agency and database.

    The condition holds subqueries, and turning it into SQL again on every list request
    (resolving and compiling them) cost ~1.1 ms of a 13 ms page. It holds no data, so its SQL
    and parameters are kept; the subqueries still run with each query. The SQL names the
    seizure table as the top level of a query does: a list page is read as it is, never as a
    subquery (`condition` is for those), and using this one inside another query is refused
    rather than compiled wrong.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, model: type[models.Model], agency_id: int) -> None:
        super().__init__()
        self.model = model
        self.agency_id = agency_id

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple]:
        return _paged_sql(self.model, self.agency_id, connection.alias)

    def relabeled_clone(self, change_map: Mapping[str, str]) -> _PagedCondition:
        if self.model._meta.db_table in change_map:
            raise NotSupportedError("visible_to(paged=True) reads a page; inside another query use paged=False.")
        return self


@functools.lru_cache(maxsize=256)
def _paged_sql(model: type[models.Model], agency_id: int, using: str) -> tuple[str, tuple]:
    query = model._default_manager.filter(_rule(model, agency_id, paged=True)).query
    sql, params = query.get_compiler(using).compile(query.where)
    return sql, tuple(params)


def in_summary(agency_id: int) -> Q:
    """The part of the rule the summary tables serve: own seizures and public ones.

    A condition on SeizureStat's key as well as on the seizure (the same field names).
    """
    return _own(agency_id) | public()


def own_unshared(agency_id: int) -> Q:
    """The agency's own seizures that are not public: read beside the public rollups."""
    return _own(agency_id) & ~public()


def beyond_summary(model: type[models.Model], agency_id: int, *, with_items: bool = False) -> Q:
    """The rest of the rule: others' shared seizures seen through an accepted operation or by
    name, never in `in_summary` (another agency's, sharing beyond all members).

    Written in two forms, for two plans (measured at 1,000,000 seizures, docs/performance.md):

    - on its own, each row of the seizure_beyond_members index is tested against two hashed
      subqueries (the seizures naming the agency, its accepted operations): 19 ms a read,
      against 29 ms for the form below;
    - `with_items` (a read joined to the items, per drug), the two sets are a UNION joined by
      primary key, whose small estimate keeps the join to the items an index lookup per
      seizure (34–47 ms). With the first form PostgreSQL expects half the period's rows and,
      without parallel workers, hashes all 1,300,000 items instead (365 ms).
    """
    named = _shares(model).filter(agency_id=agency_id).values("seizure_id")
    accepted = _accepted_operations(agency_id)
    if with_items:
        by_operation = model._default_manager.filter(sharing=Sharing.OPERATION, operation_id__in=accepted)
        seen = Q(pk__in=named.union(by_operation.values("pk").order_by()))
    else:
        seen = Q(pk__in=named) | Q(sharing=Sharing.OPERATION, operation_id__in=accepted)
    return ~_own(agency_id) & Q(status__in=SHARED_STATUSES) & Q(sharing__in=_BEYOND_MEMBERS) & seen


# --- which joint operation a reader may learn of --------------------------------------------


def operation_link_shown(agency_id: int | None, operation_id: int) -> Q:
    """Seizures linked to `operation_id` whose link the agency may know (operation_shown_to):
    its own, or any when it accepted the operation."""
    accepted = Participation.objects.accepted_by(agency_id).filter(operation_id=operation_id)
    return (_own(agency_id) | Exists(accepted)) & Q(operation_id=operation_id)


def operation_shown_to(user: Any, seizure: Any) -> bool:
    """Whether the reader may learn which joint operation the seizure belongs to.

    The owner always may (it linked it); another agency only when it accepted that operation
    (it then sees the seizure in the operation's board and report too). An agency outside the
    operation, whatever lets it see the seizure (shared with all members, named in
    shared_with), learns nothing of the operation.
    """
    reader = getattr(user, "agency_id", None)
    return operation_shown_to_agency(
        reader, agency_id=seizure.agency_id, operation_id=seizure.operation_id, accepted=AcceptedOperations(reader)
    )


def operation_shown_to_agency(
    reader_agency_id: int | None, *, agency_id: int, operation_id: int | None, accepted: Container[int]
) -> bool:
    """operation_shown_to for plain rows: `accepted` holds the reader agency's accepted operations."""
    if operation_id is None:
        return False
    return agency_id == reader_agency_id or operation_id in accepted


def operation_shown_to_all(seizure: Any, agency_ids: list[int]) -> bool:
    """`operation_shown_to_agency` for several readers at once (one query): whether every one
    of them may learn the seizure's joint operation."""
    if seizure.operation_id is None:
        return False
    accepted = set(
        Participation.objects.filter(
            agency_id__in=agency_ids, operation_id=seizure.operation_id, status=ParticipantStatus.ACCEPTED
        ).values_list("agency_id", flat=True)
    )
    return all(
        operation_shown_to_agency(
            agency_id,
            agency_id=seizure.agency_id,
            operation_id=seizure.operation_id,
            accepted={seizure.operation_id} if agency_id in accepted else set(),
        )
        for agency_id in agency_ids
    )


class AcceptedOperations:
    """The joint operations an agency accepted, read on first use (one query at most)."""

    def __init__(self, agency_id: int | None) -> None:
        self.agency_id = agency_id
        self._ids: frozenset[int] | None = None

    def __contains__(self, operation_id: object) -> bool:
        if self._ids is None:
            self._ids = frozenset(
                Participation.objects.accepted_by(self.agency_id).values_list("operation_id", flat=True)
                if self.agency_id
                else ()
            )
        return operation_id in self._ids


# --- the operations a seizure may name ---------------------------------------------------------


def operations_seen_by(user: Any) -> models.QuerySet[JointOperation]:
    """The joint operations a reader may filter seizures by: those its agency can see."""
    return JointOperation.objects.visible_to(user)


def linkable_operations(agency_id: int | None, *, keep: int | None = None) -> models.QuerySet[JointOperation]:
    """The joint operations an agency may link its seizure to: accepted by it, not cancelled.

    `keep` stays selectable even if it no longer qualifies (a seizure's current operation that
    was cancelled since). One filter() call: agency and status hold for the same participation.
    """
    if agency_id is None:  # a platform admin: no agency accepts operations for it
        linkable = JointOperation.objects.none()
    else:
        linkable = JointOperation.objects.filter(
            participations__agency_id=agency_id, participations__status=ParticipantStatus.ACCEPTED
        ).exclude(status=OperationStatus.CANCELLED)
    if keep is not None:
        linkable = (linkable | JointOperation.objects.filter(pk=keep)).distinct()
    return linkable
