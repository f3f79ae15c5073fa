"""Search at scale: gen_data fills the library and the search index (what reindex would leave),
and `make bench` carries the search figures. (No timing assertions.)"""

import datetime as dt

import pytest

from xiaoben.core import bench, gendata
from xiaoben.org.models import School
from xiaoben.org.selectors import current_term
from xiaoben.resources import search
from xiaoben.resources.models import Resource, SearchEntry


@pytest.mark.django_db
def test_generated_set_has_resources_and_a_search_index_that_answers():
    from django.contrib.auth import get_user_model

    gendata.generate(n_schools=2, seed=3, today=dt.date(2026, 11, 18), sizes=[24, 20], log=lambda *a: None)
    school = School.objects.get(code="G0001")
    assert Resource.objects.filter(school=school).exists()
    categories = set(SearchEntry.objects.values_list("category", flat=True))
    assert {"resource", "writing", "activity", "observation"} <= categories
    # the generated entry is the one the indexer would write (same tokens rule)
    r = Resource.objects.filter(school=school).first()
    entry = SearchEntry.objects.get(category="resource", object_id=r.pk)
    assert entry.title == r.title and entry.url == f"/resources/{r.pk}/"
    # a teacher of the school finds it by its unit, through the door
    teacher = get_user_model().objects.get(pk=r.uploaded_by_id)
    found = [x.entry.object_id for x in search.search(teacher, r.unit).results if x.entry.category == "resource"]
    assert found and all(Resource.objects.filter(pk=pk).exists() for pk in found)


@pytest.fixture
def env(world):
    users = {p: world.users[p] for p in ("teacher", "leader", "principal", "researcher")}
    users["admin"] = world.users["platform_admin"]
    return bench.BenchEnv(users=users, school=world.school, term=current_term(world.school.pk))


@pytest.mark.parametrize("key", ["resources.search_region", "resources.search_teacher"])
def test_search_figures_are_registered_and_run(env, key):
    fig = next(f for f in bench.figures() if f.key == key)
    assert fig.target_ms == 300
    r = bench.run_figure(fig, env, repeat=2)
    assert r.error == "" and r.status == 200 and r.queries > 0 and r.floor is not None
