"""The deadlines as set at submission, beside the ones that pauses move (Ticket model).

Backfill: a ticket never resumed has its deadlines unmoved. For the others the moves of
services.event_apply are taken back: each resume moved the resolution deadline by the paused
time, and the response deadline too while the ticket had no first response.
"""

import datetime

from django.db import migrations, models
from django.db.models import F

FIRST_RESPONSE_STATUSES = ("accepted", "dispatched", "rejected", "resolved")


def backfill(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    Ticket.objects.update(
        nominal_response_due_at=F("response_due_at"),
        nominal_resolution_due_at=F("resolution_due_at"),
    )
    resumed = TicketEvent.objects.filter(kind="resume").values("ticket_id")
    for ticket in Ticket.objects.filter(pk__in=resumed).iterator():
        responded, paused_since = False, None
        response_moved = resolution_moved = datetime.timedelta(0)
        for event in TicketEvent.objects.filter(ticket=ticket).order_by("at", "pk"):
            if (
                not responded
                and event.actor_kind in ("staff", "import")
                and (
                    event.kind == "reply"
                    or (event.kind == "transition" and event.to_status in FIRST_RESPONSE_STATUSES)
                )
            ):
                responded = True
            if event.kind == "pause":
                paused_since = event.at
            elif event.kind == "resume" and paused_since is not None:
                paused = event.at - paused_since
                resolution_moved += paused
                if not responded:
                    response_moved += paused
                paused_since = None
        if ticket.response_due_at is not None:
            ticket.nominal_response_due_at = ticket.response_due_at - response_moved
        if ticket.resolution_due_at is not None:
            ticket.nominal_resolution_due_at = ticket.resolution_due_at - resolution_moved
        ticket.save(update_fields=["nominal_response_due_at", "nominal_resolution_due_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0005_alter_category_community_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="nominal_resolution_due_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="Resolution deadline at submission"
            ),
        ),
        migrations.AddField(
            model_name="ticket",
            name="nominal_response_due_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="Response deadline at submission"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
