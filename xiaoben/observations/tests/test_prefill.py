"""The mentoring page links to the form with the pair's other member and 师徒课 chosen."""

from django.urls import reverse


def test_form_prefills_teacher_and_kind_from_link(world, client_for):
    r = client_for("mentor").get(reverse("observations:new") + f"?teacher={world.teacher.pk}&kind=mentor")
    form = r.context["form"]
    assert form.initial["teacher"] == world.teacher.pk
    assert form.initial["kind"] == "mentor"
    assert form.initial["subject"] == "语文"
    assert "刘思雨" in r.content.decode()


def test_prefill_ignores_other_schools_teacher_and_bad_kind(world, client_for):
    r = client_for("mentor").get(reverse("observations:new") + f"?teacher={world.other_teacher.pk}&kind=evil")
    assert "teacher" not in r.context["form"].initial
    assert "kind" not in r.context["form"].initial
