"""One prefix per resource: /api/v1/<resource>/… and never /api/v1/<app>/<app>/… (the old
stuttering paths are gone; docs/architecture.md lists them in its API changelog)."""

import pytest

OLD_PATHS = [
    "/api/v1/writings/writings",
    "/api/v1/observations/observations",
    "/api/v1/observations/rubrics",
    "/api/v1/requirements/requirements",
    "/api/v1/requirements/progress/me",
    "/api/v1/resources/resources",
    "/api/v1/resources/search",
    "/api/v1/resources/showcase",
]


def test_no_path_repeats_its_prefix(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in paths:
        parts = [p for p in path.split("/") if p]
        assert parts[2:3] != parts[3:4], f"{path} repeats its prefix"


@pytest.mark.parametrize("path", OLD_PATHS)
def test_old_paths_are_gone(api_client_for, path):
    # Not found, or (/writings/writings) read as /writings/{id} with a word for the id: never served.
    assert api_client_for("teacher").get(path).status_code in (404, 422)


def test_old_paths_are_not_in_the_schema(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert not [p for p in paths if any(p.rstrip("/") == old for old in OLD_PATHS)]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/writings/",
        "/api/v1/observations/",
        "/api/v1/rubrics/",
        "/api/v1/requirements/",
        "/api/v1/progress/me",
        "/api/v1/resources/",
    ],
)
def test_new_paths_answer(api_client_for, path):
    assert api_client_for("teacher").get(path).status_code == 200
