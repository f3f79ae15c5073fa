"""gen_data: each district's region-wide requirements (templates, copied into every school as
`region_templates_adopt` does) and its 教研联盟 of about ten schools, the first one leading."""

from __future__ import annotations

from xiaoben.core.gendata import GenContext

ORDER = 80
ALLIANCE_SIZE = 10
TEMPLATES = [
    {"name": "每学期听课不少于15节", "metric": "observations.given", "period": "term", "threshold": 15, "filters": {}},
    {"name": "每学期参加教研活动不少于8次", "metric": "activities.attended", "period": "term", "threshold": 8, "filters": {}},
    {"name": "每月至少一篇教学反思", "metric": "writings.count", "period": "month", "threshold": 1, "filters": {"kinds": ["reflection"]}},
]


def generate(ctx: GenContext) -> None:
    from xiaoben.org.models import Region, School
    from xiaoben.requirements.models import Requirement, Source

    from .models import Alliance

    w = ctx.writer
    templates, copies, regions, profiles, members = [], [], [], [], []
    by_district: dict[int, list] = {}
    for gs in ctx.schools:
        by_district.setdefault(gs.region_id, []).append(gs)
    for rid, schools in by_district.items():
        ids = list(w.ids(Requirement, len(TEMPLATES)))
        for i, (pk, spec) in enumerate(zip(ids, TEMPLATES, strict=True)):
            templates.append({"id": pk, "region_id": rid, "source": Source.MANUAL, "order": 90 + i, "active": True, **spec})
            copies += [
                {"school_id": gs.id, "source": Source.STARTER, "starter_key": f"region-{pk}", "order": 90 + i, "active": True, **spec}
                for gs in schools
            ]
        chunks = [schools[i : i + ALLIANCE_SIZE] for i in range(0, len(schools), ALLIANCE_SIZE)]
        alliance_ids = list(w.ids(Region, len(chunks)))
        for n, (aid, chunk) in enumerate(zip(alliance_ids, chunks, strict=True), start=1):
            regions.append({"id": aid, "name": f"第{n}教研联盟", "kind": "alliance", "parent_id": rid})
            profiles.append({"region_id": aid, "lead_school_id": chunk[0].id, "description": "强校牵头，联片教研，资源共享。"})
            members += [{"school_id": gs.id, "region_id": aid} for gs in chunk]
    # ids from the writer throughout: rows numbered by the database would collide with them
    for model, rows in ((Requirement, copies), (Alliance, profiles), (School.alliances.through, members)):
        for pk, row in zip(w.ids(model, len(rows)), rows, strict=True):
            row["id"] = pk
    w.insert(Requirement, templates)
    w.insert(Requirement, copies)
    w.insert(Region, regions)
    w.insert(Alliance, profiles)
    w.insert(School.alliances.through, members)
