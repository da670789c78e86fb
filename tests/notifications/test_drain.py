"""The outbox drain (services.outbox_drain): sends due rows once, retries a failed send with
backoff, gives up after the last attempt, and two drains at once never send a row twice."""

import datetime
import smtplib
import threading

import pytest
from django.core import mail
from django.db import connection

from community.models import OutboxMessage
from community.notifications import services

NOW = datetime.datetime(2026, 3, 2, 2, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


def outbox_rows(side, count: int) -> list[OutboxMessage]:
    user = side.users["resident"]
    return OutboxMessage.objects.bulk_create(
        OutboxMessage(
            community=side.community,
            recipient=user,
            address=f"r{i}@example.org",
            subject=f"主题 {i}",
            body=f"内容 {i}\n",
            dedupe_key=f"test:{i}",
            next_attempt_at=NOW,
        )
        for i in range(count)
    )


@pytest.fixture
def failing_smtp(monkeypatch):
    """The mail server refuses the next `failing_smtp.failures` messages."""

    class Failing:
        failures = 0
        calls = 0

    real_send = mail.EmailMessage.send

    def send(message, fail_silently=False):
        Failing.calls += 1
        if Failing.failures:
            Failing.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(message, fail_silently)

    monkeypatch.setattr(mail.EmailMessage, "send", send)
    return Failing


def test_due_rows_are_sent_once_and_later_ones_wait(world):
    _first, later = outbox_rows(world.a, 2)
    OutboxMessage.objects.filter(pk=later.pk).update(next_attempt_at=NOW + MINUTE)

    assert services.outbox_drain(now=NOW) == {"sent": 1, "retried": 0, "failed": 0}
    assert services.outbox_drain(now=NOW) == {"sent": 0, "retried": 0, "failed": 0}
    assert [(e.to, e.subject, e.body) for e in mail.outbox] == [
        (["r0@example.org"], "主题 0", "内容 0\n")
    ]
    assert mail.outbox[0].extra_headers == {"Auto-Submitted": "auto-generated"}
    assert services.outbox_drain(now=NOW + MINUTE)["sent"] == 1
    assert len(mail.outbox) == 2


def test_a_failed_send_is_retried_with_backoff(world, failing_smtp):
    (row,) = outbox_rows(world.a, 1)
    failing_smtp.failures = 2

    assert services.outbox_drain(now=NOW)["retried"] == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 1, NOW + 2 * MINUTE)
    assert row.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert services.outbox_drain(now=NOW + MINUTE)["retried"] == 0  # not due yet
    assert services.outbox_drain(now=NOW + 2 * MINUTE)["retried"] == 1
    row.refresh_from_db()
    assert (row.attempts, row.next_attempt_at) == (2, NOW + 6 * MINUTE)  # then 4 minutes
    assert services.outbox_drain(now=NOW + 6 * MINUTE)["sent"] == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, "")
    assert len(mail.outbox) == 1 and failing_smtp.calls == 3


def test_it_gives_up_after_the_last_attempt(world, failing_smtp):
    (row,) = outbox_rows(world.a, 1)
    failing_smtp.failures = 100
    now, outcomes = NOW, []
    for _ in range(services.MAX_ATTEMPTS + 2):
        outcomes.append(services.outbox_drain(now=now))
        now += datetime.timedelta(hours=3)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", services.MAX_ATTEMPTS)
    assert failing_smtp.calls == services.MAX_ATTEMPTS == 8
    assert [o["failed"] for o in outcomes] == [0] * 7 + [1, 0, 0]
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_drains_at_once_send_each_row_once(world, monkeypatch):
    outbox_rows(world.a, 120)
    real_send = mail.EmailMessage.send

    def slow_send(message, fail_silently=False):
        threading.Event().wait(0.002)  # long enough for the two drains to overlap
        return real_send(message, fail_silently)

    monkeypatch.setattr(mail.EmailMessage, "send", slow_send)
    results = []

    def drain():
        try:
            results.append(services.outbox_drain(now=NOW))
        finally:
            connection.close()

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(e.to[0] for e in mail.outbox) == sorted(f"r{i}@example.org" for i in range(120))
    assert sum(r["sent"] for r in results) == 120
    assert all(r["sent"] > 0 for r in results), results  # both drains took part
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("sent", 1)}
