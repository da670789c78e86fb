"""The one hook point of the ticket core for notifications and other side effects.

`ticket_events_recorded` is sent once per service call, INSIDE its transaction, after the
events are saved and the ticket's derived columns updated, with `ticket` (the updated Ticket)
and `events` (the TicketEvent rows just written, in order). A receiver that writes an outbox
row commits or rolls back with the change; anything that talks to a broker or a mail server
must go through `transaction.on_commit`. Bulk writers (tickets.demo, importers) do not send it.
"""

from django.dispatch import Signal

ticket_events_recorded = Signal()
