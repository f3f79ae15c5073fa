"""Background jobs: send one delivery; the periodic tick (Celery beat, or `send_notices` from cron)."""

from celery import shared_task


@shared_task(name="messaging.deliver")
def deliver(pk: int) -> None:
    from .services import deliver as deliver_one

    deliver_one(pk)


@shared_task(name="messaging.tick")
def tick() -> dict:
    from .scheduled import run_tick

    return run_tick()
