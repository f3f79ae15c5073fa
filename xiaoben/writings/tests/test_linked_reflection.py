"""A lesson-plan version links its author's own 教学反思 (activities reads them through the
source writings registers: `activities.reflections`)."""

import pytest
from django.core.exceptions import ValidationError

from xiaoben.activities import services_prep
from xiaoben.activities.forms import ReflectionForm
from xiaoben.core.scope import scope_for
from xiaoben.writings.models import Writing


def _prep(world):
    return services_prep.prep_create(
        actor=scope_for(world.users["mentor"]),
        school=world.school,
        term=world.term,
        title="《富饶的西沙群岛》",
        lead=world.mentor,
        group=world.prep,
        body="一、教学目标\n1. 认识8个生字",
    )


def test_reflection_links_own_writing_only(world):
    prep = _prep(world)
    v = services_prep.version_add(prep=prep, actor=scope_for(world.teacher.user), body="我的修改")
    mine = Writing.objects.create(
        school=world.school, term=world.term, author=world.teacher, kind="reflection", title="《西沙》教后反思", written_on=world.today
    )
    theirs = Writing.objects.create(
        school=world.school, term=world.term, author=world.mentor, kind="reflection", title="别人的", written_on=world.today
    )
    with pytest.raises(ValidationError):
        services_prep.version_reflect(version=v, actor=scope_for(world.teacher.user), text="", writing=theirs)
    services_prep.version_reflect(version=v, actor=scope_for(world.teacher.user), text="", writing=mine)
    v.refresh_from_db()
    assert v.writing_id == mine.pk and Writing.objects.get(pk=mine.pk).title == "《西沙》教后反思"


def test_reflection_form_offers_own_reflections_only(world):
    mine = Writing.objects.create(
        school=world.school, term=world.term, author=world.teacher, kind="reflection", title="我的反思", written_on=world.today
    )
    Writing.objects.create(
        school=world.school, term=world.term, author=world.mentor, kind="reflection", title="别人的", written_on=world.today
    )
    Writing.objects.create(
        school=world.school, term=world.term, author=world.teacher, kind="insight", title="不是反思", written_on=world.today
    )
    assert list(ReflectionForm(author=world.teacher).fields["writing"].queryset) == [mine]
    assert not ReflectionForm().fields["writing"].queryset.exists()
