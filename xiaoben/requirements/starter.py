"""常用要求: the quotas the seed plans state most often, adopted by a school in one click
(then edited like any other requirement)."""

from __future__ import annotations

from .models import Audience, Period

STARTER_SET: list[dict] = [
    {
        "starter_key": "observe_20",
        "name": "每学期听课不少于20节",
        "metric": "observations.given",
        "period": Period.TERM,
        "threshold": 20,
    },
    {
        "starter_key": "reflection_weekly",
        "name": "每周至少一次教学反思",
        "metric": "writings.count",
        "filters": {"kinds": ["reflection"]},
        "period": Period.WEEK,
        "threshold": 1,
    },
    {
        "starter_key": "insight_monthly",
        "name": "每月两篇心得体会",
        "metric": "writings.count",
        "filters": {"kinds": ["insight"]},
        "period": Period.MONTH,
        "threshold": 2,
    },
    {
        "starter_key": "open_lesson",
        "name": "每学期上一节公开课",
        "metric": "activities.public_lessons_given",
        "period": Period.TERM,
        "threshold": 1,
    },
    {
        "starter_key": "prep_speaker",
        "name": "每学期集体备课中心发言一次",
        "metric": "activities.hosted",
        "filters": {"kinds": ["lesson_prep"]},
        "period": Period.TERM,
        "threshold": 1,
    },
    {
        "starter_key": "reading_chars",
        "name": "读书笔记每年不少于5000字",
        "metric": "writings.chars",
        "filters": {"kinds": ["reading_note"]},
        "period": Period.SCHOOL_YEAR,
        "threshold": 5000,
    },
    {
        "starter_key": "paper_yearly",
        "name": "每年撰写一篇论文或经验总结",
        "metric": "writings.count",
        "filters": {"kinds": ["paper", "experience"]},
        "period": Period.SCHOOL_YEAR,
        "threshold": 1,
    },
    {
        "starter_key": "leader_weekly",
        "name": "每周组织一次教研组活动",
        "metric": "activities.organised",
        "period": Period.WEEK,
        "threshold": 1,
        "applies_to": Audience.GROUP_LEADERS,
        "group_kind": "subject",
    },
    {
        "starter_key": "mentee_observes_30",
        "name": "徒弟听师傅的课每年不少于30节",
        "metric": "mentoring.mentee_observed_mentor",
        "period": Period.SCHOOL_YEAR,
        "threshold": 30,
        "applies_to": Audience.MENTEES,
    },
]
