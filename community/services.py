"""Writes about communities: creating a community with its first staff account."""

import datetime
import zoneinfo

from django.db import transaction

from .models import Community, Membership, Organisation, User


@transaction.atomic
def community_create(
    *,
    slug: str,
    name: str,
    timezone: str = "Asia/Shanghai",
    street_office: Organisation | None = None,
    staff_username: str,
    staff_email: str = "",
    staff_password: str | None = None,
) -> tuple[Community, User]:
    """Create a community, its neighbourhood committee and its first committee-staff account.

    Returns (community, staff user). Raises django.core.exceptions.ValidationError when the slug
    is taken, the timezone is not an IANA name, or the username exists already.
    """
    community = Community(
        slug=slug,
        name=name,
        timezone=timezone,
        street_office=street_office,
        # Its records begin today; an import of older tickets moves this back.
        records_since=datetime.datetime.now(zoneinfo.ZoneInfo(timezone)).date()
        if timezone in zoneinfo.available_timezones()
        else None,
    )
    community.full_clean()
    community.save()
    committee, _ = Organisation.objects.get_or_create(
        kind=Organisation.Kind.NEIGHBOURHOOD_COMMITTEE, name=f"{name}居委会"
    )
    user = User(username=staff_username, email=staff_email)
    user.full_clean(exclude=["password"])
    if staff_password:
        user.set_password(staff_password)
    else:
        user.set_unusable_password()
    user.save()
    Membership.objects.create(
        community=community,
        user=user,
        organisation=committee,
        role=Membership.Role.COMMITTEE_STAFF,
    )
    return community, user


def membership_grant(
    *, community: Community, user: User, role: str, organisation: Organisation | None = None
) -> Membership:
    """Give `user` `role` in `community` (idempotent: an existing membership is reactivated)."""
    membership, _ = Membership.objects.update_or_create(
        community=community,
        user=user,
        role=role,
        defaults={"organisation": organisation, "is_active": True},
    )
    return membership
