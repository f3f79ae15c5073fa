"""Fixtures shared by every test: the persona world, signed-in clients, frozen time."""

import pytest
import time_machine
from django.test import Client

from xiaoben.org.testing import PERSONAS, TODAY, build_world

pytest_plugins = ["xiaoben.core.testing_browser"]


@pytest.fixture(autouse=True)
def _fast_tests(settings, tmp_path):
    # A browser (transactional) test flushes the tables; ContentType's in-memory cache would
    # then hand the next test on this worker ids that now name other models.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture
def frozen_today():
    """Freeze the clock at 2026-11-18 10:00 Beijing time (第12周 of the world's term)."""
    with time_machine.travel("2026-11-18 10:00:00+08:00", tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, frozen_today):
    return build_world(TODAY)


@pytest.fixture
def client_for(world):
    """client_for("teacher") → a Django test client signed in as that persona."""
    cache = {}

    def make(persona: str) -> Client:
        if persona not in cache:
            c = Client()
            if persona != "anonymous":
                c.force_login(world.users[persona])
            cache[persona] = c
        return cache[persona]

    return make


@pytest.fixture
def api_client_for(world):
    """api_client_for("teacher") → a client that calls the API as an integration would: with the
    persona's personal access token, and Django's CSRF check enforced (issue #12: the API tests
    once passed only because the test client skips CSRF)."""
    from xiaoben.core.services import api_token_create

    cache = {}

    def make(persona: str) -> Client:
        if persona not in cache:
            headers = {}
            if persona != "anonymous":
                _, raw = api_token_create(user=world.users[persona], name="tests")
                headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
            cache[persona] = Client(enforce_csrf_checks=True, **headers)
        return cache[persona]

    return make


@pytest.fixture
def personas():
    return ["anonymous", *PERSONAS]
