"""The targeting pages: the queue, a line (examine, target, alert), CSV upload, rules with
preview and history, the model's versions and the agency's settings."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.targeting import selectors, services
from cases.targeting.forms import (
    CSV_COLUMNS,
    ExamineForm,
    LineAlertForm,
    QueueFilterForm,
    RuleForm,
    SettingsForm,
    UploadForm,
)
from cases.targeting.models import LineStatus, ManifestLine, Rule
from cases.targeting.permissions import (
    can_change_settings,
    can_manage_rules,
    can_train_model,
    can_view_targeting,
    can_work_lines,
)
from cases.targeting.reasons import labelled
from crackdown.errors import Conflict
from crackdown.paging import PAGE_SIZE
from crackdown.views import domain_errors
from members.http import AuthenticatedHttpRequest
from members.models import Agency


def _require_view(request: AuthenticatedHttpRequest) -> None:
    if not can_view_targeting(request.user):
        raise PermissionDenied(_("Only users of an agency use targeting."))


def _workable_line(request: AuthenticatedHttpRequest, pk: int) -> ManifestLine:
    """The line for a page that acts on it (examine, target, alert): 404 if unseen, 403 if read-only."""
    line = selectors.get_line_for(request.user, pk)
    if not can_work_lines(request.user):
        raise PermissionDenied(_("Only officers and coordinators act on manifest lines."))
    return line


def _partner_agencies(line: ManifestLine) -> list[Agency]:
    """The agencies a line's pre-arrival alert may go to: every active one but its own."""
    return list(Agency.objects.filter(is_active=True).exclude(pk=line.agency_id).order_by("code"))


def _add_errors(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    form = QueueFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {k: data[k] for k in ("kind", "status", "min_score") if data.get(k) not in (None, "")}
        if data.get("eta_after"):
            filters["eta_after"] = dt.datetime.combine(data["eta_after"], dt.time.min, tzinfo=dt.UTC)
        if data.get("eta_before"):
            filters["eta_before"] = dt.datetime.combine(data["eta_before"], dt.time.max, tzinfo=dt.UTC)
    qs = selectors.line_list(user=request.user, filters=filters).prefetch_related("identifiers")
    # Keyset on (score, id), the queue's order: "after=<score>.<id>".
    after = request.GET.get("after", "")
    score, _sep, pk = after.partition(".")
    if score.isdigit() and pk.isdigit():
        qs = qs.filter(Q(score__lt=int(score)) | Q(score=int(score), pk__lt=int(pk)))
    rows = list(qs[: PAGE_SIZE + 1])
    next_query = ""
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        query = request.GET.copy()
        query["after"] = f"{rows[-1].score}.{rows[-1].pk}"
        next_query = query.urlencode()
    filter_query = request.GET.copy()
    filter_query.pop("after", None)
    context = {
        "form": form,
        "rows": [(line, labelled(line.reasons)) for line in rows],
        "next_query": next_query,
        "filter_query": filter_query.urlencode(),
        "can_work": can_work_lines(request.user),
    }
    return render(request, "targeting/queue.html", context)


@login_required
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    if not can_work_lines(request.user):
        raise PermissionDenied(_("Only officers and coordinators send manifests."))
    form = UploadForm(request.POST or None, request.FILES or None)
    line_errors: list[tuple[int, str, list[str]]] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.manifest_ingest(lines=form.cleaned_data["file"], by=request.user)
        except services.BatchInvalid as bad:
            for index, fields in sorted(bad.errors.items(), key=lambda item: int(item[0])):
                for field, errors in fields.items():
                    line_errors.append((int(index) + 2, field, _flatten(errors)))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(created)s lines added and %(updated)s updated; each is scored.")
                % {"created": result["created"], "updated": result["updated"]},
            )
            return redirect("targeting:queue")
    return render(
        request,
        "targeting/upload.html",
        {"form": form, "line_errors": line_errors[:200], "columns": CSV_COLUMNS},
    )


def _flatten(errors: Any) -> list[str]:
    if isinstance(errors, dict):
        return [f"{key}: {message}" for key, value in errors.items() for message in _flatten(value)]
    if isinstance(errors, list):
        out: list[str] = []
        for i, item in enumerate(errors):
            out += [f"#{i + 1} {m}" for m in _flatten(item)] if isinstance(item, dict) else [str(item)]
        return out
    return [str(errors)]


def _line_context(request: AuthenticatedHttpRequest, line: Any, **forms: Any) -> dict[str, Any]:
    alert_form = forms.get("alert_form") or LineAlertForm(
        agencies=_partner_agencies(line), initial={"recipients": [a.code for a in services.route_agencies(line)]}
    )
    return {
        "line": line,
        "reasons": labelled(line.reasons),
        "identifiers": list(line.identifiers.all()),
        "examine_form": forms.get("examine_form")
        or ExamineForm(initial={"seizure": line.seizure_id, "result": line.result or None}),
        "alert_form": alert_form,
        "can_work": can_work_lines(request.user),
        "examined": line.status == LineStatus.EXAMINED,
    }


@login_required
def line_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    line = selectors.get_line_for(request.user, pk)
    return render(request, "targeting/line.html", _line_context(request, line))


@login_required
@require_POST
@domain_errors
def line_examine_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    line = _workable_line(request, pk)
    form = ExamineForm(request.POST)
    if form.is_valid():
        try:
            services.line_examine(
                line=line,
                result=form.cleaned_data["result"],
                seizure=form.cleaned_data["seizure"],
                notes=form.cleaned_data["notes"],
                by=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Examination recorded. It will teach the next model version."))
            return redirect("targeting:line", pk=line.pk)
    line.refresh_from_db()
    return render(request, "targeting/line.html", _line_context(request, line, examine_form=form), status=400)


@login_required
@require_POST
@domain_errors
def line_status_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    line = _workable_line(request, pk)
    try:
        services.line_set_status(line=line, status=request.POST.get("status", ""), by=request.user)
    except (Conflict, ValidationError):
        messages.error(request, _("This line's status cannot change that way."))
    else:
        messages.success(request, _("Line marked %(status)s.") % {"status": line.get_status_display()})
    return redirect("targeting:line", pk=line.pk)


@login_required
@require_POST
@domain_errors
def line_alert_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    line = _workable_line(request, pk)
    form = LineAlertForm(request.POST, agencies=_partner_agencies(line))
    if form.is_valid():
        try:
            services.line_alert(
                line=line,
                recipients=form.cleaned_data["recipients"],
                priority=form.cleaned_data["priority"],
                by=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Pre-arrival alert sent."))
            return redirect("targeting:line", pk=line.pk)
    return render(request, "targeting/line.html", _line_context(request, line, alert_form=form), status=400)


@login_required
def rules(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    form, preview, done = _rule_form(request, rule=None, initial=None)
    if done:
        return redirect("targeting:rules")
    context = {
        "form": form,
        "preview": preview,
        "rules": list(selectors.rule_list(user=request.user)[:500]),
        "can_manage": can_manage_rules(request.user),
    }
    return render(request, "targeting/rules.html", context, status=400 if form.errors else 200)


@login_required
def rule_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    rule = selectors.get_rule_for(request.user, pk)
    initial = {
        "name": rule.name,
        "condition": json.dumps(rule.condition, indent=2),
        "points": rule.points,
        "active": rule.active,
    }
    form, preview, done = _rule_form(request, rule=rule, initial=initial)
    if done:
        return redirect("targeting:rule", pk=rule.pk)
    context = {
        "rule": rule,
        "form": form,
        "preview": preview,
        "history": list(selectors.rule_history(rule)[:100]),
        "can_manage": can_manage_rules(request.user),
    }
    return render(request, "targeting/rule.html", context, status=400 if form.errors else 200)


def _rule_form(
    request: AuthenticatedHttpRequest, *, rule: Rule | None, initial: dict[str, Any] | None
) -> tuple[RuleForm, Any, bool]:
    """The rule form of a page (new rule or one rule): (the form, a preview to show, saved?).

    A POST saves the rule (a coordinator or agency admin) or, with "preview", tries its
    condition on the last 30 days."""
    form = RuleForm(request.POST or None, initial=initial)
    if request.method != "POST":
        return form, None, False
    if not can_manage_rules(request.user):
        raise PermissionDenied(_("Only coordinators and agency admins write rules."))
    if not form.is_valid():
        return form, None, False
    data = dict(form.cleaned_data)
    try:
        if "preview" in request.POST:
            return form, services.rule_preview(condition=data["condition"], by=request.user), False
        if rule is None:
            services.rule_create(data=data, by=request.user)
        else:
            services.rule_update(rule=rule, data=data, by=request.user)
    except ValidationError as exc:
        _add_errors(form, exc)
        return form, None, False
    messages.success(request, _("Rule saved. New lines are scored with it."))
    return form, None, True


@login_required
def model_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    assert request.user.agency_id is not None
    context = {
        "state": selectors.model_state(user=request.user),
        "can_train": can_train_model(request.user),
        "can_activate": can_manage_rules(request.user),
        "can_settings": can_change_settings(request.user),
        "settings_form": SettingsForm(
            initial={"use_nationality": services.targeting_settings(request.user.agency_id).use_nationality}
        ),
    }
    return render(request, "targeting/model.html", context)


@login_required
@require_POST
@domain_errors
def model_train_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    try:
        services.model_train_request(by=request.user)
    except Conflict:
        messages.info(request, _("A model is already being trained."))
    else:
        messages.success(request, _("Training started. This page shows its progress."))
    return redirect("targeting:model")


@login_required
@require_POST
@domain_errors
def model_activate_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    assert request.user.agency_id is not None
    raw = request.POST.get("version", "")
    try:
        services.model_activate(
            agency_id=request.user.agency_id, version=int(raw) if raw.isdigit() else None, by=request.user
        )
    except (Conflict, ValidationError):
        messages.error(request, _("That version cannot score."))
    else:
        messages.success(request, _("Version %(version)s now scores new lines.") % {"version": raw})
    return redirect("targeting:model")


@login_required
@require_POST
@domain_errors
def settings_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    assert request.user.agency_id is not None
    form = SettingsForm(request.POST)
    form.is_valid()
    services.settings_update(
        agency_id=request.user.agency_id,
        use_nationality=bool(form.cleaned_data.get("use_nationality")),
        by=request.user,
    )
    messages.success(request, _("Targeting settings saved. Retrain the model for them to take effect."))
    return redirect("targeting:model")
