"""A real deployment must not start on the public default SECRET_KEY (issue #12, 2): with it a
QR sign-in token (HMAC of SECRET_KEY) can be forged offline."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "k" * 10 + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"


def _manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "PRODUCTION", "DEBUG")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_a_key():
    r = _manage("check", PRODUCTION="1")
    assert r.returncode != 0
    assert "SECRET_KEY" in r.stderr and "ImproperlyConfigured" in r.stderr


def test_production_refuses_the_published_default_key():
    r = _manage("check", PRODUCTION="1", SECRET_KEY=settings.DEV_SECRET_KEY)
    assert r.returncode != 0 and "SECRET_KEY" in r.stderr


def test_production_starts_with_a_real_key():
    r = _manage("check", PRODUCTION="1", SECRET_KEY=GOOD_KEY)
    assert r.returncode == 0, r.stderr


def test_check_deploy_fails_on_the_default_key(settings):
    settings.SECRET_KEY = settings.DEV_SECRET_KEY
    assert "xiaoben.E001" in [e.id for e in run_checks(include_deployment_checks=True)]
    assert "xiaoben.E001" not in [e.id for e in run_checks()]  # the demo still runs


def test_system_check_names_the_default_key_in_production(settings):
    settings.PRODUCTION = True
    settings.SECRET_KEY = settings.DEV_SECRET_KEY
    assert "xiaoben.E001" in [e.id for e in run_checks()]
    settings.SECRET_KEY = GOOD_KEY
    assert "xiaoben.E001" not in [e.id for e in run_checks()]


@pytest.mark.django_db
def test_no_demo_accounts_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="公开"):
        call_command("seed_demo", verbosity=0)
