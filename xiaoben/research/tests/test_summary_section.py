"""The 课题研究与成果 section of the reports' 工作总结, and research's parts of the 成长档案袋."""

import pytest

from xiaoben.reportkit import summary as sm
from xiaoben.reportkit.portfolio import portfolio_parts
from xiaoben.research.models import DocKind, Stage
from xiaoben.research.services_achievements import achievement_return, reward_rules_defaults

from .factories import achievement, advance, project, scope, upload_doc

pytestmark = pytest.mark.django_db


def test_section_sentences_and_traceable_figures(world):
    reward_rules_defaults(school=world.school)
    p = project(world, level="province")
    upload_doc(world, p, DocKind.APPLICATION)
    upload_doc(world, p, DocKind.APPROVAL)
    advance(world, p, Stage.APPROVED, decision="浙规〔2026〕8号")
    project(world, level="school", title="还在申报")  # not 在研
    achievement(world, level="city", rank="first", teachers=[world.teacher, world.mentor])  # joint: 1篇, 2人次
    achievement(world, kind="paper_published", level="national", rank="none", title="国家级刊物发表")
    returned = achievement(world, level="national", rank="first", title="被退回", verify=False)
    achievement_return(actor=scope(world, "dean"), achievement=returned, reason="证书不清")
    period = sm.term_period(world.term)
    (sec,) = sm.build(period, only="research")
    text = "".join(par.text for par in sec.paragraphs)
    assert "在研课题1项，其中省级课题1项" in text
    assert "本学期新立项1项" in text
    assert "论文获奖1篇，其中市级1篇" in text and "发表论文1篇，其中国家级1篇" in text
    assert "获市级以上奖励2人次" in text  # the publication is not a prize; the returned one does not count
    figs = period.figures
    assert figs["research.awards_city_up_persons"].rows.count() == 2
    assert figs["research.paper_award"].rows.count() == 1
    assert figs["research.projects_active"].rows.get().pk == p.pk


def test_exporter_registered_and_renders_only_what_the_actor_sees(world):
    from xiaoben.core import exporters as reg
    from xiaoben.research.exports import achievements_xlsx  # noqa: F401 (registers)

    exp = reg.get_exporter("research.achievements_xlsx")
    assert exp is not None and exp.available(scope(world, "dean")) and not exp.available(scope(world, "teacher"))
    achievement(world)
    name, _mime, data = exp.render(actor=scope(world, "dean"), params={})
    assert name.endswith(".xlsx") and data[:2] == b"PK"


def test_portfolio_shows_verified_achievements_and_projects(world):
    achievement(world, title="认定的论文")
    achievement(world, title="待审核的论文", verify=False)
    project(world, level="school", title="我参与的课题", members=[world.teacher])
    year = world.term.school_year
    terms = list(year.terms.order_by("number"))
    parts = {part.title: part for fn in portfolio_parts() if (part := fn(world.teacher, year, terms))}
    titles = [r[2] for r in parts["成果与荣誉（已认定）"].rows]
    assert titles == ["认定的论文"]
    assert parts["课题研究"].rows[0][:3] == ["我参与的课题", "校级", "成员"]
