"""gen_data's research generator."""

import datetime as dt

import pytest

from xiaoben.core import gendata
from xiaoben.research.models import Achievement, AchievementCredit, ProjectStage, ResearchProject, RewardRule

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 18)


def test_generator_writes_what_the_services_would_leave(frozen_today):
    gendata.generate(n_schools=2, seed=3, today=TODAY, sizes=[24, 20], log=lambda *a: None)
    assert RewardRule.objects.count() == 2 * 13
    assert ResearchProject.objects.count() >= 2
    for p in ResearchProject.objects.all():
        assert p.stages.exists() and ProjectStage.objects.filter(project=p).first().stage == "applied"
    verified = AchievementCredit.objects.filter(achievement__status="verified")
    assert verified.exists() and not AchievementCredit.objects.exclude(achievement__status="verified").exclude(points=0).exists()
    from xiaoben.requirements.registry import get_metric

    school_id = Achievement.objects.values_list("school_id", flat=True).first()
    totals = get_metric("research.achievements").totals(school_id=school_id, start=TODAY - dt.timedelta(days=364), end=TODAY)
    assert sum(totals.values()) == verified.filter(achievement__school_id=school_id).count()
