"""Notifications (issue 3, item 7): the in-app list, and e-mail through an outbox.

- services.py: writing notices (a Notification row, plus an OutboxMessage row when the member
  has an e-mail address) in the caller's transaction; marking read; draining the outbox.
- ticket_notices.py: who is told what about tickets, from tickets.signals and the beat job.
- receivers.py: the ticket_events_recorded receiver (connected in community.apps).
- tasks.py: the Celery tasks `notifications.outbox_drain` and `notifications.deadline_reminders`
  (beat: config/settings/base.py).
- selectors.py, views.py, api.py, urls.py: the list page /c/<slug>/notifications/ and the API
  /api/v1/c/<slug>/notifications/.
"""
