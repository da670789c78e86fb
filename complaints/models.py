"""Complaints (投诉): tickets of kind `complaint`. Disputes and mediation live here too."""

from django.db import models

from community.models import TenantModel  # noqa: F401
from tickets.models import Ticket, TicketKind


class ComplaintManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=TicketKind.COMPLAINT)


class Complaint(Ticket):
    objects = ComplaintManager()

    class Meta:
        proxy = True
