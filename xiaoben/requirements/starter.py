"""常用要求: the quotas the seed plans state most often, adopted by a school in one click
(then edited like any other requirement). Each app declares its own on its metrics
(`QueryMetric.starters`); this module only collects them, so it names no app's keys."""

from __future__ import annotations

from typing import Any

from .registry import starters


def starter_set() -> list[dict[str, Any]]:
    """The starter set as `requirement_create` arguments, in the order schools see it."""
    out: list[dict[str, Any]] = []
    for metric, s in starters():
        spec: dict[str, Any] = {"starter_key": s.key, "name": s.name, "metric": metric.key, "period": s.period, "threshold": s.threshold}
        if s.filters:
            spec["filters"] = dict(s.filters)
        if s.applies_to != "all":
            spec["applies_to"] = s.applies_to
        if s.group_kind:
            spec["group_kind"] = s.group_kind
        out.append(spec)
    return out
