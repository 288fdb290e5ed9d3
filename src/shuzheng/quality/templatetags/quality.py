"""A score trend drawn as a small inline SVG line: no chart library, nothing fetched."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()


@register.filter
def rule_label(rule: Any) -> str:
    from shuzheng.quality.services import rule_label as label

    return label(rule)


WIDTH, HEIGHT, PAD = 120, 28, 3


@register.simple_tag
def sparkline(points: Sequence[Any]) -> SafeString | str:
    """Scores 0–100 over time, oldest left; the title reads the values out for screen readers."""
    scores = [float(point.score) for point in points]
    if not scores:
        return "—"
    step = (WIDTH - 2 * PAD) / max(len(scores) - 1, 1)
    coordinates = " ".join(
        f"{PAD + index * step:.1f},{PAD + (100 - score) / 100 * (HEIGHT - 2 * PAD):.1f}"
        for index, score in enumerate(scores)
    )
    label = gettext("得分趋势：%(scores)s") % {"scores": "、".join(f"{score:g}" for score in scores)}
    last_x, last_y = coordinates.split(" ")[-1].split(",")
    return format_html(
        '<svg class="sparkline" width="{}" height="{}" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        "<title>{}</title>"
        '<polyline points="{}" fill="none" stroke="#1557b0" stroke-width="1.5"/>'
        '<circle cx="{}" cy="{}" r="2" fill="#1557b0"/></svg>',
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        label,
        label,
        coordinates,
        last_x,
        last_y,
    )
