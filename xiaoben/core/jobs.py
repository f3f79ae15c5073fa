"""Background jobs. With REDIS_URL they go to Celery workers; without it they run
in-process (CELERY_TASK_ALWAYS_EAGER). Always dispatched after the commit, with ids."""

from typing import Any

from django.db import transaction


def enqueue(task: Any, *args: Any, **kwargs: Any) -> None:  # a Celery task (untyped)
    transaction.on_commit(lambda: task.delay(*args, **kwargs))
