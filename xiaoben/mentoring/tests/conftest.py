import pytest


def set_quotas(school, mentee=30, mentor=20):
    """The school's 师徒 quotas: requirements on the two mentoring metrics (seed 004's numbers)."""
    from xiaoben.requirements.models import Requirement

    out = []
    for name, metric, audience, n in (
        ("徒弟听师傅的课", "mentoring.mentee_observed_mentor", "mentees", mentee),
        ("师傅听徒弟的课", "mentoring.mentor_observed_mentee", "mentors", mentor),
    ):
        r, _ = Requirement.objects.update_or_create(
            school=school, metric=metric, applies_to=audience, period="school_year", defaults={"threshold": n, "name": name}
        )
        out.append(r)
    return out


@pytest.fixture(autouse=True)
def mentoring_quotas(request):
    if "world" in request.fixturenames:
        world = request.getfixturevalue("world")
        set_quotas(world.school)
        set_quotas(world.other_school)
