"""Charts as SVG drawn on the server: daily bars with a limit line, labelled bars, intervals.

Every label is escaped; a chart is a ``SafeString`` that needs no JavaScript and no build. Each
``<svg>`` carries ``data-chart`` (its name) and ``data-points`` (how many values it draws).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from django_llmshop.experiments import Interval

WIDTH = 640
BAR_HEIGHT = 22
LABEL_WIDTH = 220
PALETTE = ("#2f6fb0", "#e07b39", "#3a9a5b", "#a24fb0", "#c7473c", "#6b7a8f", "#b59a2e")

Formatter = Callable[[float], str]


def plain(value: float) -> str:
    return f"{value:,.4g}"


def percent(value: float) -> str:
    return f"{100 * value:.1f} %"


@dataclass(frozen=True)
class Series:
    """One coloured series of a daily chart: a value per day."""

    name: str
    values: Sequence[float]


def _svg(name: str, label: str, height: int, points: int, body: Sequence[str]) -> SafeString:
    head = format_html(
        '<svg class="llmshop-chart" data-chart="{}" data-points="{}" role="img" '
        'aria-label="{}" viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11">',
        name, points, label, WIDTH, height,
    )  # fmt: skip
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 (each part is escaped)


def _empty(name: str, label: str, message: str) -> SafeString:
    text = format_html('<text x="8" y="24" fill="#666">{}</text>', message)
    return _svg(name, label, 40, 0, [text])


def daily_bars(
    name: str,
    label: str,
    days: Sequence[str],
    series: Sequence[Series],
    *,
    limit: float | None = None,
    limit_label: str = "",
    empty: str = "",
    fmt: Formatter = plain,
) -> SafeString:
    """Stacked bars per day (one colour per series), with a dashed line at ``limit``."""
    totals = [sum(s.values[i] for s in series) for i in range(len(days))]
    points = sum(1 for s in series for v in s.values if v)
    if not days or not points:
        return _empty(name, label, empty)
    top = max([*totals, limit or 0.0]) or 1.0
    left, plot_h, base = 60, 160, 180
    step = (WIDTH - left - 10) / len(days)
    body = [
        format_html('<text x="4" y="{}" fill="#666">{}</text>', base - plot_h + 4, fmt(top)),
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999"/>', left, base, WIDTH, base
        ),
    ]
    for i, day in enumerate(days):
        x, y = left + i * step + step * 0.15, float(base)
        for colour, s in zip(PALETTE * 4, series, strict=False):
            h = s.values[i] / top * plot_h
            if h > 0:
                y -= h
                body.append(format_html(
                    '<rect class="bar" x="{}" y="{}" width="{}" height="{}" '
                    'fill="{}"><title>{} {}: {}</title></rect>',
                    _n(x), _n(y), _n(step * 0.7), _n(h), colour, day, s.name, fmt(s.values[i]),
                ))  # fmt: skip
        if len(days) <= 16 or i % max(1, len(days) // 10) == 0:
            body.append(format_html(
                '<text x="{}" y="{}" text-anchor="middle" fill="#333">{}</text>',
                _n(x + step * 0.35), base + 14, day[5:],
            ))  # fmt: skip
    if limit:
        y = base - limit / top * plot_h
        body.append(format_html(
            '<line class="limit" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#c7473c" '
            'stroke-dasharray="6 4"><title>{}: {}</title></line>',
            left, _n(y), WIDTH, _n(y), limit_label, fmt(limit),
        ))  # fmt: skip
    for n, (colour, s) in enumerate(zip(PALETTE * 4, series, strict=False)):
        body.append(format_html(
            '<rect x="{}" y="196" width="10" height="10" fill="{}"/>'
            '<text x="{}" y="205" fill="#333">{}</text>',
            left + n * 130, colour, left + n * 130 + 14, s.name,
        ))  # fmt: skip
    return _svg(name, label, 212, points, body)


def labelled_bars(
    name: str,
    label: str,
    rows: Sequence[tuple[str, float]],
    *,
    empty: str = "",
    fmt: Formatter = plain,
) -> SafeString:
    """One horizontal bar per ``(label, value)``, longest at the largest value."""
    if not rows:
        return _empty(name, label, empty)
    top = max(v for _, v in rows) or 1.0
    span = WIDTH - LABEL_WIDTH - 80
    body = []
    for i, (text, value) in enumerate(rows):
        y = 4 + i * BAR_HEIGHT
        body.append(format_html(
            '<text x="{}" y="{}" text-anchor="end" fill="#333">{}</text>'
            '<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{}">'
            "<title>{}: {}</title></rect>"
            '<text x="{}" y="{}" fill="#333">{}</text>',
            LABEL_WIDTH - 6, y + 14, _short(text),
            LABEL_WIDTH, y + 2, _n(max(value / top * span, 1.0)), BAR_HEIGHT - 6, PALETTE[0],
            text, fmt(value),
            _n(LABEL_WIDTH + max(value / top * span, 1.0) + 4), y + 14, fmt(value),
        ))  # fmt: skip
    return _svg(name, label, 8 + len(rows) * BAR_HEIGHT, len(rows), body)


def intervals(
    name: str, label: str, rows: Sequence[tuple[str, Interval]], *, empty: str = ""
) -> SafeString:
    """A dot per estimate with a whisker from the low to the high end of its interval.

    The axis runs from the lowest to the highest end shown; a zero line is drawn when it falls
    inside, so a difference whose interval crosses it is seen to be unsure.
    """
    if not rows:
        return _empty(name, label, empty)
    low = min(0.0, *(i.low for _, i in rows))
    high = max(*(i.high for _, i in rows), low + 1e-9)
    span = WIDTH - LABEL_WIDTH - 160

    def x(value: float) -> float:
        return LABEL_WIDTH + (value - low) / (high - low) * span

    height = 8 + len(rows) * BAR_HEIGHT
    body = [
        format_html(
            '<line class="zero" x1="{}" y1="0" x2="{}" y2="{}" stroke="#999"/>',
            _n(x(0.0)),
            _n(x(0.0)),
            height,
        )  # fmt: skip
    ]
    for i, (text, interval) in enumerate(rows):
        y = 4 + i * BAR_HEIGHT + 10
        body.append(format_html(
            '<text x="{}" y="{}" text-anchor="end" fill="#333">{}</text>'
            '<line class="bar" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" '
            'stroke-width="2"/><circle cx="{}" cy="{}" r="4" fill="{}">'
            "<title>{}: {} ({} – {})</title></circle>"
            '<text x="{}" y="{}" fill="#333">{} [{}, {}]</text>',
            LABEL_WIDTH - 6, y + 4, _short(text),
            _n(x(interval.low)), y, _n(x(interval.high)), y, PALETTE[0],
            _n(x(interval.value)), y, PALETTE[1],
            text, percent(interval.value), percent(interval.low), percent(interval.high),
            _n(x(high) + 4), y + 4, percent(interval.value), percent(interval.low),
            percent(interval.high),
        ))  # fmt: skip
    return _svg(name, label, height, len(rows), body)


def _n(value: float) -> str:
    return f"{value:.1f}"


def _short(text: str, size: int = 34) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


__all__ = ["Series", "daily_bars", "intervals", "labelled_bars", "percent", "plain"]
