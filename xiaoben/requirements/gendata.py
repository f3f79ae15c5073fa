"""gen_data: every school adopts the starter set (常用要求), as `starter_set_adopt` does."""

from __future__ import annotations

from xiaoben.core.gendata import GenContext

from .models import Requirement, Source
from .starter import starter_set

ORDER = 70


def generate(ctx: GenContext) -> None:
    rows = [
        {"school_id": gs.id, "source": Source.STARTER, "order": 10 + i, "active": True, **spec}
        for gs in ctx.schools
        for i, spec in enumerate(starter_set())
    ]
    ctx.writer.insert(Requirement, rows)
