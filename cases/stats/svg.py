"""Server-side SVG bar charts, drawn from the numbers the selectors computed.

No JavaScript and no inline style: geometry goes in SVG attributes, looks in the `.chart`,
`.bar`, `.bar-alt` and `.axis` classes of static/css/crackdown.css. Each chart carries a
<title>; the page puts an accessible table with the same numbers beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from crackdown.numbers import format_count, format_kg

Number = int | float | Decimal
KG = "kg"
COUNT = "count"
LABEL_CHARS = 22  # a label line longer than this wraps onto a second line, never cut


def _fmt(value: Number, unit: str = COUNT) -> str:
    """A value as the tables print it (crackdown.numbers), with its unit for kilograms."""
    return f"{format_kg(value)} kg" if unit == KG else format_count(value)


def _lines(label: str) -> list[str]:
    """A label on one line, or two split at a space near the middle when it is long."""
    if len(label) <= LABEL_CHARS or " " not in label:
        return [label]
    middle = len(label) // 2
    spaces = [i for i, ch in enumerate(label) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - middle))
    return [label[:cut], label[cut + 1 :]]


def _svg(parts: list[SafeString], *, width: int, height: int, title: str, chart_id: str) -> SafeString:
    """The chart's svg element, titled for screen readers, around `parts` (each built by format_html)."""
    head = format_html(
        '<svg viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title>',
        width,
        height,
        chart_id,
        chart_id,
        title,
    )
    return mark_safe("".join(str(p) for p in [head, *parts, "</svg>"]))  # noqa: S308 - pieces built by format_html


def hbar_chart(rows: Sequence[tuple[str, Number]], *, title: str, chart_id: str, unit: str = COUNT) -> SafeString:
    """Horizontal bars, one per row (label, value), the largest first, values in `unit` (KG or
    COUNT): reads well on a 390 px phone. Long labels wrap onto two lines."""
    rows = sorted(rows, key=lambda row: -float(row[1] or 0))
    width, label_w, value_w, bar_h, gap = 480, 170, 100, 26, 6
    height = max(1, len(rows)) * (bar_h + gap) + gap
    plot_w = width - label_w - value_w
    top = max((float(v) for _, v in rows), default=0.0) or 1.0
    parts = [
        format_html('<line class="axis" x1="{}" y1="0" x2="{}" y2="{}"></line>', label_w, label_w, height),
    ]
    for index, (label, value) in enumerate(rows):
        y = gap + index * (bar_h + gap)
        bar_w = round(plot_w * float(value) / top, 1) if value else 0
        lines = _lines(str(label))
        first_y = y + bar_h - 8 if len(lines) == 1 else y + 11
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end">{}</text>',
                label_w - 6,
                first_y,
                mark_safe(  # noqa: S308 - pieces built by format_html
                    "".join(
                        str(format_html('<tspan x="{}" dy="{}">{}</tspan>', label_w - 6, 0 if i == 0 else 12, line))
                        for i, line in enumerate(lines)
                    )
                ),
            )
        )
        parts.append(
            format_html(
                '<rect class="bar" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>'
                '<text x="{}" y="{}">{}</text>',
                label_w,
                y,
                bar_w,
                bar_h,
                label,
                _fmt(value, unit),
                label_w + bar_w + 4,
                y + bar_h - 8,
                _fmt(value, unit),
            )
        )
    return _svg(parts, width=width, height=height, title=title, chart_id=chart_id)


def column_chart(
    rows: Sequence[tuple[str, Number]], *, title: str, chart_id: str, label_every: int = 6, unit: str = COUNT
) -> SafeString:
    """Vertical bars over time (e.g. 24 months) in `unit`, labelling every `label_every`-th column
    in a type large enough to read on a phone (the chart shrinks to about half its size there)."""
    width, height, left, bottom, top_pad = 720, 240, 150, 40, 10
    count = max(1, len(rows))
    plot_w, plot_h = width - left - 10, height - bottom - top_pad
    slot = plot_w / count
    top = max((float(v) for _, v in rows), default=0.0) or 1.0
    parts = [
        format_html(
            '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>'
            '<text class="axis-label" x="{}" y="{}" text-anchor="end">{}</text>'
            '<text class="axis-label" x="{}" y="{}" text-anchor="end">0</text>',
            left,
            height - bottom,
            width - 10,
            height - bottom,
            left - 4,
            top_pad + 16,
            _fmt(top if not top.is_integer() else int(top), unit),
            left - 4,
            height - bottom,
        ),
    ]
    for index, (label, value) in enumerate(rows):
        bar_h = round(plot_h * float(value) / top, 1) if value else 0
        x = round(left + index * slot + slot * 0.15, 1)
        parts.append(
            format_html(
                '<rect class="bar" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
                x,
                round(height - bottom - bar_h, 1),
                round(slot * 0.7, 1),
                bar_h,
                label,
                _fmt(value, unit),
            )
        )
        if index % label_every == 0:
            parts.append(
                format_html(
                    '<text class="axis-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                    round(x + slot * 0.35, 1),
                    height - bottom + 24,
                    label,
                )
            )
    return _svg(parts, width=width, height=height, title=title, chart_id=chart_id)


__all__ = ["COUNT", "KG", "column_chart", "hbar_chart"]
