"""The ticket core's hook (tickets.signals.ticket_events_recorded): notices written in the
transaction of the change; the drain is asked for once it commits."""

from django.dispatch import receiver

from tickets.signals import ticket_events_recorded

from . import tasks, ticket_notices


@receiver(ticket_events_recorded, dispatch_uid="community.notifications.ticket_events")
def ticket_events_notify(sender, *, ticket, events, **kwargs) -> None:
    if ticket_notices.ticket_events_notify(ticket=ticket, events=events):
        tasks.outbox_drain_on_commit()
