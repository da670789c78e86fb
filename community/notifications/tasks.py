"""Celery tasks of the notifications (scheduled by beat: config/settings/base.py)."""

import logging

from celery import shared_task
from django.db import transaction

from . import services, ticket_notices

logger = logging.getLogger(__name__)


@shared_task(name="notifications.outbox_drain")
def outbox_drain() -> dict[str, int]:
    """Send the pending outbox messages that are due (services.outbox_drain): after each
    change that wrote some, and every minute by beat, so what a broker outage left behind goes
    out once the broker and a worker are back. Idempotent. Returns {"sent", "retried",
    "failed"} numbers of messages."""
    return services.outbox_drain()


@shared_task(name="notifications.deadline_reminders")
def deadline_reminders() -> int:
    """Every 10 minutes by beat: near-deadline reminders, overdue notices and escalations of
    open tickets, each written once (ticket_notices.ticket_deadline_reminders_write), then the
    drain. Safe to run twice. Returns the number of e-mails put in the outbox."""
    with transaction.atomic():
        written = ticket_notices.ticket_deadline_reminders_write()
    if written:
        outbox_drain_on_commit()
    return written


def outbox_drain_on_commit() -> None:
    """Queue outbox_drain once the current transaction commits (at once outside one). A broker
    outage is logged, never raised: the outbox rows are committed, and the beat's drain sends
    them when the broker is back."""
    transaction.on_commit(_enqueue_drain)


def _enqueue_drain() -> None:
    try:
        # No publish retries: the request answers at once, and beat catches up within a minute.
        outbox_drain.apply_async(retry=False)
    except Exception:
        logger.warning("outbox drain not queued (broker unreachable?)", exc_info=True)
