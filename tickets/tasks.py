"""Celery tasks of the ticket core (scheduled by beat: config/settings/base.py)."""

from celery import shared_task

from . import services


@shared_task(name="tickets.auto_close")
def tickets_auto_close() -> int:
    """Close tickets resolved 7 days ago or more without an answer from the submitter
    (services.tickets_auto_close); idempotent, safe to run twice. Returns how many closed."""
    return services.tickets_auto_close()
