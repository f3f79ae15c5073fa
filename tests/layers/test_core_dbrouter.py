"""The read-replica router: dashboards read from the replica when it answers, from the
primary when it does not, and writes always go to the primary."""

import pytest
from django.db import connections, transaction

from xiaoben.core import dbrouter
from xiaoben.core.dbrouter import ReplicaRouter, replica_reads
from xiaoben.org.models import School


@pytest.fixture
def replica(settings, monkeypatch):
    """A `replica` alias whose availability the test decides."""
    state = {"up": True}
    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}

    def ensure(alias=dbrouter.REPLICA):
        if not state["up"]:
            from django.db import OperationalError

            raise OperationalError("replica down")

    class FakeConn:
        ensure_connection = staticmethod(ensure)

    real = connections.__getitem__
    monkeypatch.setattr(type(connections), "__getitem__", lambda self, a: FakeConn() if a == "replica" else real(a))
    dbrouter._down_until.clear()
    yield state
    dbrouter._down_until.clear()


def test_without_a_replica_everything_reads_the_primary(settings):
    assert "replica" not in settings.DATABASES
    with replica_reads():
        assert ReplicaRouter().db_for_read(School) == "default"


def test_dashboard_reads_go_to_the_replica_only_inside_replica_reads(replica):
    router = ReplicaRouter()
    assert router.db_for_read(School) == "default"
    with replica_reads():
        assert router.db_for_read(School) == "replica"
        assert router.db_for_write(School) == "default"
    assert router.db_for_read(School) == "default"


def test_a_replica_that_does_not_answer_falls_back_to_the_primary_and_is_retried_later(replica, settings):
    settings.REPLICA_RETRY_SECONDS = 0
    replica["up"] = False
    with replica_reads():
        assert ReplicaRouter().db_for_read(School) == "default"
    replica["up"] = True
    with replica_reads():
        assert ReplicaRouter().db_for_read(School) == "replica"


@pytest.mark.django_db
def test_inside_a_transaction_reads_stay_on_the_primary(replica):
    with transaction.atomic(), replica_reads():
        assert ReplicaRouter().db_for_read(School) == "default"


def test_migrations_run_on_the_primary_only():
    assert ReplicaRouter().allow_migrate("default", "org")
    assert not ReplicaRouter().allow_migrate("replica", "org")
