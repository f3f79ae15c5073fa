import pytest

from xiaoben.hours.tests.factories import set_targets


@pytest.fixture(autouse=True)
def hour_targets(request):
    """The persona schools start with the usual 学时 targets (72 a year, 360 a cycle)."""
    if "world" in request.fixturenames:
        world = request.getfixturevalue("world")
        set_targets(world.school)
        set_targets(world.other_school)
