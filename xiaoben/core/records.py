"""One row behind a number (a metric's record list, a summary figure's rows): every app describes
its records with it, so it sits in core, below them all."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass
class RecordRow:
    date: dt.date | None
    title: str
    detail: str = ""
    url: str | None = None
