import pytest

from xiaoben.hours.tests.factories import set_targets


@pytest.fixture(autouse=True)
def hour_targets(request):
    """The persona schools ask the usual 学时 (72 a year, 360 a cycle), as the demo's do: the
    comparison's 学时 columns count teachers meeting them."""
    if "world" in request.fixturenames:
        world = request.getfixturevalue("world")
        set_targets(world.school)
        set_targets(world.other_school)
