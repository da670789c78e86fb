"""Where the community records hand over to the ticket core (tickets/services.py): a meeting
decision becomes a work order, an objection to a disclosure becomes a complaint. The ticket core
owns the lifecycle from there (METRICS.md, Tickets)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from community.models import Community, Disclosure, User
from tickets import services as ticket_services
from tickets.models import Category, ResponsibleParty, Ticket, TicketKind
from tickets.rules import TransitionNotAllowed

# The complaint category objections are filed under, created on first use: the committee
# answers for what is published; first response within 24 hours, resolution in 5 working days.
OBJECTION_CATEGORY = "disclosure-objection"


def _submit(**kwargs) -> Ticket:
    try:
        return ticket_services.ticket_submit(**kwargs)
    except TransitionNotAllowed as exc:
        raise ValidationError({"__all__": [exc.message]}) from exc


def work_order_for_decision(
    *, community: Community, user: User, category: Category, title: str, description: str
) -> Ticket:
    """Submit a work order for a meeting decision on behalf of the committee (channel
    `staff`, no resident submitter). Raises ValidationError (category, description) or when
    `user` may not submit work orders."""
    return _submit(
        community=community,
        actor=user,
        kind=TicketKind.WORK_ORDER,
        category=category,
        title=title[:200],
        description=description,
        channel=Ticket.Channel.STAFF,
        submitter_name=_("Meeting decision"),
    )


def objection_category(*, community: Community) -> Category:
    """The community's category for objections to disclosures (created when missing)."""
    category, _created = Category.objects.get_or_create(
        community=community,
        code=OBJECTION_CATEGORY,
        defaults={
            "kind": TicketKind.COMPLAINT,
            "name": "公示异议",
            "responsible_party": ResponsibleParty.NEIGHBOURHOOD_COMMITTEE,
            "response_target": 24,
            "response_unit": Category.TargetUnit.HOURS,
            "resolution_target": 5,
            "resolution_unit": Category.TargetUnit.WORKING_DAYS,
        },
    )
    return category


def complaint_for_objection(
    *, community: Community, user: User, disclosure: Disclosure, reason: str
) -> Ticket:
    """Submit the resident's objection as their own complaint (channel web) in the objection
    category, titled after the disclosure. Raises ValidationError when `user` may not submit
    complaints."""
    return _submit(
        community=community,
        actor=user,
        kind=TicketKind.COMPLAINT,
        category=objection_category(community=community),
        title=(
            _("Objection to the disclosure “%(title)s” (version %(version)s)")
            % {"title": disclosure.title, "version": disclosure.version}
        )[:200],
        description=reason,
        channel=Ticket.Channel.WEB,
    )
