"""A submission while Redis is stopped (issue 3, item 7): the API answers 201, the ticket and its
outbox row are committed, and once Redis is back a real Celery worker drains the outbox: exactly
one e-mail, and draining again sends nothing more."""

import queue
from unittest import mock

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail

from community.models import Membership, Notification, OutboxMessage
from community.notifications import tasks
from config.celery import app as celery_app
from tickets.models import Ticket, TicketKind

Role = Membership.Role


@pytest.mark.django_db(transaction=True)
def test_submission_while_redis_is_stopped_drains_once_redis_is_back(
    world, categories, emails, api_as, real_broker
):
    real_broker.start()
    real_broker.stop()
    assert not real_broker.reachable()
    pm = world.a.users[Role.PROPERTY_MANAGER]
    body = {
        "category": categories[world.a.community.pk][TicketKind.COMPLAINT].pk,
        "description": "电梯停运三天 <script>alert(1)</script>",
        "household": world.a.household.pk,
    }

    client = api_as(world.a.users[Role.RESIDENT])
    complaints = f"/api/v1/c/{world.a.community.slug}/complaints/"
    assert client.get(complaints).status_code == 200

    # Spy on the module's logger itself: whether a record reaches caplog depends on handlers
    # and propagation that other tests' Celery workers may have reconfigured. kombu's retry
    # loop waits between attempts with its own `sleep`: Celery's default publish retries would
    # hold the request there about 6 s; with none, it never waits.
    with (
        mock.patch.object(tasks.logger, "warning", wraps=tasks.logger.warning) as warned,
        mock.patch("kombu.utils.functional.sleep") as waited,
    ):
        response = client.post(complaints, body, format="json")

    assert response.status_code == 201
    assert waited.call_count == 0, f"the request waited on the broker: {waited.call_args_list}"
    assert [c.args[0] for c in warned.call_args_list] == [
        "outbox drain not queued (broker unreachable?)"
    ]
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.description == body["description"]
    # Only the property manager is told: the complaint is the property company's, and the
    # resident who submitted it is not told of their own action.
    (row,) = OutboxMessage.objects.all()
    assert (row.status, row.address, row.attempts) == (
        "pending",
        "a-property_manager@example.org",
        0,
    )
    assert row.dedupe_key.startswith(f"ticket:{ticket.pk}:new_ticket:event:")
    assert [(n.recipient, n.kind) for n in Notification.objects.all()] == [(pm, "new_ticket")]
    assert mail.outbox == []

    real_broker.start()
    done: queue.Queue = queue.Queue()

    def finished(sender=None, retval=None, **kwargs):
        if sender.name == tasks.outbox_drain.name:
            done.put(retval)

    task_postrun.connect(finished, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False):
            tasks.outbox_drain.delay()  # what beat sends every minute
            first = done.get(timeout=20)
            tasks.outbox_drain.delay()
            second = done.get(timeout=20)
    finally:
        task_postrun.disconnect(finished)

    assert first == {"sent": 1, "retried": 0, "failed": 0}
    assert second == {"sent": 0, "retried": 0, "failed": 0}
    (email,) = mail.outbox
    assert email.to == ["a-property_manager@example.org"]
    assert email.subject == f"[a社区] 新投诉 {ticket.number}：物业服务"
    assert "电梯停运三天 <script>alert(1)</script>" in email.body
    mime = email.message()  # one plain-text part, no HTML alternative
    assert (mime.get_content_type(), mime.is_multipart()) == ("text/plain", False)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)
    assert row.sent_at is not None
