"""Nightly: recompute every kept metric value (Celery beat, or `manage.py kept_refresh --force`)."""

from celery import shared_task


@shared_task(name="requirements.kept_refresh")
def kept_refresh() -> int:
    from .kept import refresh

    return refresh(force=True)
