"""Property operations: work orders (工单) and, later, facilities and safety logs."""

from django.db import models

from community.models import TenantModel  # noqa: F401
from tickets.models import Ticket, TicketKind


class WorkOrderManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=TicketKind.WORK_ORDER)


class WorkOrder(Ticket):
    objects = WorkOrderManager()

    class Meta:
        proxy = True
