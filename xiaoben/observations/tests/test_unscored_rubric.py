"""The rubric starts unscored: an untouched form is not 90分“优” (issue 14, item 9)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from xiaoben.core.scope import scope_for
from xiaoben.observations.services import ObservationInput, observation_save

pytestmark = pytest.mark.django_db


def test_new_form_has_no_score_checked(world, client_for):
    html = client_for("teacher").get("/observations/new/").content.decode()
    assert 'name="score_' in html
    assert "checked" not in html.split('id="score-items"')[1].split("</form>")[0].split('class="card mb-3"')[0]


def _input(world, points=None):
    return ObservationInput(
        teacher=world.mentor, lesson_date=dt.date(2026, 11, 16), lesson_title="秋天的雨", strengths="朗读指导到位", points=points or {}
    )


def test_submit_without_scores_is_refused_unless_the_school_allows(world):
    with pytest.raises(ValidationError, match="没有打分"):
        observation_save(actor=scope_for(world.teacher.user), data=_input(world), submit=True)
    world.school.settings = {**world.school.settings, "rubric_scoring_optional": True}
    world.school.save()
    world.teacher.refresh_from_db()
    obs = observation_save(actor=scope_for(world.teacher.user), data=_input(world), submit=True)
    assert (obs.total in (None, 0) and obs.grade_label in ("", None)) or obs.grade_label != "优"


def test_grade_picker_uses_chinese_numerals_and_the_schools_stage(world, client_for):
    """Issue 14 item 11: 四年级, not 4年级; a 小学 offers six grades."""
    from xiaoben.observations.forms import ObservationForm

    choices = dict(ObservationForm(school_id=world.school.pk).fields["grade"].choices)
    assert choices.get("4") == "四年级" and "4年级" not in choices.values()
    if world.school.stage == "primary":
        assert "7" not in choices and "12" not in choices
