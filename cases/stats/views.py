"""The home page: the crackdown dashboard over the seizures the reader may see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cases.choices import Drug, TransportMode
from cases.stats.forms import DashboardFilterForm
from cases.stats.route_map import reaches_beyond_region, route_map
from cases.stats.selectors import dashboard
from cases.stats.svg import COUNT, KG, column_chart, hbar_chart
from members.http import AuthenticatedHttpRequest


def _label(choices, key) -> str:
    try:
        return str(choices(key).label)
    except ValueError:
        return key or "—"


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.agency_id:
        # Platform admins belong to no agency and see no seizures: nothing to chart.
        return render(request, "stats/home.html", {"no_agency": True})
    form = DashboardFilterForm(request.GET or None)
    date_from, date_to = form.period() if request.GET else (None, None)
    drug = form.selected_drug() if request.GET else ""
    data = dashboard(user=request.user, date_from=date_from, date_to=date_to, drug=drug)

    for row in data.by_drug:
        row["label"] = _label(Drug, row["key"])
    for row in data.by_transport_mode:
        row["label"] = _label(TransportMode, row["key"])
    # Bar charts: id → (rows, the row's label key, the row's value key, title).
    # One unit a chart, named in its title; bars ordered by what they draw (hbar_chart).
    bars = {
        "drug": (data.by_drug, "label", "weight_kg", KG, _("Kilograms seized by drug (kg equivalent)")),
        "mode": (data.by_transport_mode, "label", "seizures", COUNT, _("Number of seizures by transport mode")),
        "routes": (data.top_routes, "label", "weight_kg", KG, _("Top routes by kilograms (kg equivalent)")),
        "agency": (data.by_agency, "key", "seizures", COUNT, _("Number of seizures by agency")),
    }
    charts = {
        "month": column_chart(
            [(row["key"], row["weight_kg"]) for row in data.by_month],
            title=_("Kilograms seized by month (kg equivalent)"),
            chart_id="chart-month",
            unit=KG,
        ),
    }
    charts["route_map"] = route_map(
        data.top_routes, title=_("Drug flows into and within the region: arrows weighted by kilograms seized")
    )
    if reaches_beyond_region(data.top_routes):
        charts["route_map_world"] = route_map(
            data.top_routes,
            title=_("The same flows from their origins worldwide"),
            chart_id="route-map-world",
            whole_routes=True,
        )
    for name, (rows, label, value, unit, title) in bars.items():
        charts[name] = hbar_chart(
            [(row[label], row[value]) for row in rows], title=title, chart_id=f"chart-{name}", unit=unit
        )
    change = {
        "seizures": data.this_month["seizures"] - data.last_month["seizures"],
        "weight_kg": data.this_month["weight_kg"] - data.last_month["weight_kg"],
    }
    return render(
        request,
        "stats/home.html",
        {"form": form, "data": data, "charts": charts, "change": change},
    )
