"""Validators shared by the forms of every app."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def instant_in_range(value: datetime.datetime | None) -> None:
    """Refuses an aware instant whose UTC time falls outside the years 1 to 9999.

    Such an instant is accepted by a form (0001-01-01 00:00 in Asia/Shanghai is year 0 in UTC)
    and stored by PostgreSQL as a BC date, but no later read of the row succeeds.
    """
    if value is None:
        return
    try:
        value.astimezone(datetime.UTC)
    except OverflowError:
        raise ValidationError(
            _("Enter a time between the years 1 and 9999."), code="overflow"
        ) from None
