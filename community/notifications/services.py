"""Writes of notifications: notices, marking read, and draining the outbox.

A notice goes to one member: a Notification row (the in-app list) and, when the member has an
e-mail address, an OutboxMessage row, both written by `notifications_write` inside the caller's
transaction, so they commit or roll back with the change they tell about. Texts are rendered in
the recipient's language (User.language) and are plain text: e-mails carry no HTML part, so a
`<script>` typed into a ticket reaches the reader as those characters, never as markup.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from community.models import Community, Notification, OutboxMessage, User

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # retries after 2, 4, ... 128 minutes: about 4 hours before giving up
DRAIN_BATCH = 50
Status = OutboxMessage.Status


@dataclass(frozen=True)
class Notice:
    """One notice to write. `key` identifies it in its community (written once); `text()`
    returns (title, body) and is called with the recipient's language active; `link` is the
    path of the page it points to ("" for none)."""

    recipient: User
    kind: str
    key: str
    text: Callable[[], tuple[str, str]]
    ticket_id: int | None = None
    link: str = ""


def _one_line(text: str, limit: int) -> str:
    # A subject or title is one line: a newline in an e-mail header is refused by Django.
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def notifications_write(
    *, community: Community, notices: list[Notice], now: datetime.datetime | None = None
) -> int:
    """Write the Notification of each notice, and an e-mail OutboxMessage for each recipient
    with an address, in the current transaction. A notice whose `key` already exists in
    `community` is skipped, so each is written once however often the caller runs (two
    concurrent writers included: the unique dedupe key with ON CONFLICT DO NOTHING).

    E-mail: subject "[<community name>] <title>", body title, text and the absolute link
    (settings.SITE_URL + link), plain text. Returns the number of outbox rows written."""
    if not notices:
        return 0
    now = now or timezone.now()
    existing = set(
        Notification.objects.filter(
            community=community, dedupe_key__in=[n.key for n in notices]
        ).values_list("dedupe_key", flat=True)
    )
    rows, messages = [], []
    for notice in notices:
        if notice.key in existing:
            continue
        existing.add(notice.key)
        recipient = notice.recipient
        with translation.override(recipient.language):
            title, body = notice.text()
            title = _one_line(title, 300)
            rows.append(
                Notification(
                    community=community,
                    recipient=recipient,
                    kind=notice.kind,
                    ticket_id=notice.ticket_id,
                    title=title,
                    body=body,
                    dedupe_key=notice.key,
                )
            )
            if not recipient.email:
                continue
            link = settings.SITE_URL + notice.link if notice.link else ""
            text = [title, body, gettext("Open: %(url)s") % {"url": link} if link else ""]
            messages.append(
                OutboxMessage(
                    community=community,
                    recipient=recipient,
                    address=recipient.email,
                    subject=_one_line(f"[{community.name}] {title}", 300),
                    body="\n\n".join(part for part in text if part) + "\n",
                    dedupe_key=f"{notice.key}:email",
                    next_attempt_at=now,
                )
            )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True)
    return len(messages)


def notification_mark_read(
    *, notification: Notification, now: datetime.datetime | None = None
) -> Notification:
    """Mark one notification read; the first read instant is kept (idempotent)."""
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


def notifications_mark_all_read(
    *, community: Community, user: User, now: datetime.datetime | None = None
) -> int:
    """Mark every unread notification of `user` in `community` read; returns how many."""
    now = now or timezone.now()
    return Notification.objects.filter(
        community=community, recipient=user, read_at__isnull=True
    ).update(read_at=now, updated_at=now)


def outbox_drain(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Send every pending OutboxMessage due by `now` (default: now) through Django's mail
    backend (settings.EMAIL_URL; console by default). Returns {"sent", "retried", "failed"}:
    numbers of messages.

    Rows are claimed DRAIN_BATCH at a time with SELECT ... FOR UPDATE SKIP LOCKED, and each is
    marked in the transaction that claimed it: concurrent drains never take the same row, and
    a second run sends nothing again (idempotent). A crash between sending and committing sends
    that batch once more: at least once, never lost. A failed send counts an attempt, keeps the
    error and is retried after 2^attempts minutes; after MAX_ATTEMPTS it is `failed`.
    """
    now = now or timezone.now()
    counts = dict.fromkeys(("sent", "retried", "failed"), 0)
    connection = mail.get_connection()
    while True:
        with transaction.atomic():
            batch = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(status=Status.PENDING, next_attempt_at__lte=now)
                .order_by("next_attempt_at", "id")[:DRAIN_BATCH]
            )
            if not batch:
                return counts
            for message in batch:
                counts[_send(message, connection, now)] += 1


def _send(message: OutboxMessage, connection, now: datetime.datetime) -> str:
    email = mail.EmailMessage(
        subject=message.subject,
        body=message.body,
        to=[message.address],
        connection=connection,
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attempts += 1
    try:
        email.send()
    except Exception as exc:  # any transport failure: keep the row, try again later
        logger.warning("outbox message %s not sent (attempt %s)", message.pk, message.attempts)
        message.last_error = f"{type(exc).__name__}: {exc}"[:1000]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = Status.FAILED
            outcome = "failed"
        else:
            message.next_attempt_at = now + datetime.timedelta(minutes=2**message.attempts)
            outcome = "retried"
    else:
        message.status, message.sent_at, message.last_error = Status.SENT, timezone.now(), ""
        outcome = "sent"
    message.save(
        update_fields=[
            "attempts",
            "status",
            "sent_at",
            "next_attempt_at",
            "last_error",
            "updated_at",
        ]
    )
    return outcome
