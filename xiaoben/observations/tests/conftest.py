import datetime as dt

import pytest

from xiaoben.core.scope import scope_for
from xiaoben.observations import services
from xiaoben.observations.rubrics import rubric_for_school


@pytest.fixture
def record(world):
    """record(observer, teacher, **kw) → a submitted observation scored on the school's rubric."""

    def make(observer=None, teacher=None, *, submit=True, points=None, level=None, **kw):
        observer = observer or world.mentor
        teacher = teacher or world.teacher
        rubric = kw.pop("rubric", None) or rubric_for_school(observer.school)
        items = list(rubric.items.all())
        if points is None:
            points = {i.pk: (level if level is not None else i.max_points * 9 / 10) for i in items}
        defaults = {
            "lesson_date": world.today - dt.timedelta(days=1),
            "lesson_title": "《秋天的雨》第二课时",
            "strengths": "教学目标明确，朗读指导扎实，学生参与面广。",
            "weaknesses": "小组合作时间偏短。",
            "suggestions": "多给学生表达的机会。",
        }
        defaults.update(kw)
        data = services.ObservationInput(teacher=teacher, points=points, **defaults)
        return services.observation_save(actor=scope_for(observer.user), data=data, submit=submit, rubric=rubric)

    return make
