"""Seeds say what they come after; the orchestrator keeps that order and refuses a cycle."""

import pytest

from xiaoben.core.seeding import SeedOrderError, seed_modules, seed_order, seed_providers


def test_order_follows_after_and_keeps_listed_order_between_free_seeds():
    after = {"reports": ("hours",), "activities": (), "hours": ("activities",), "region": ()}
    assert seed_order(after) == ["activities", "hours", "reports", "region"]


def test_a_cycle_is_reported_with_its_members():
    with pytest.raises(SeedOrderError, match="cycle") as e:
        seed_order({"activities": ("hours",), "hours": ("activities",), "writings": ()})
    assert "activities after hours" in str(e.value) and "hours after activities" in str(e.value)


def test_an_unknown_name_is_reported():
    with pytest.raises(SeedOrderError, match="activites"):
        seed_order({"activities": (), "hours": ("activites",)})


def test_every_app_seed_runs_after_what_it_declares():
    modules = seed_modules()
    assert {"activities", "observations", "assessment", "reports"} <= modules.keys()
    order = [label for label, _fn in seed_providers()]
    assert sorted(order) == sorted(modules)
    for label, mod in modules.items():
        for dep in mod.AFTER:
            assert order.index(dep) < order.index(label), f"{label} runs before {dep}"
    # the demo's rng is shared by every seed: the order must not move without a reason
    assert order[:3] == ["activities", "observations", "writings"] and order[-1] == "region"
