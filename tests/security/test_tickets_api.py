"""Adversarial review of the ticket API (tickets/api.py, serializers.py, services.py).

Finding pinned here: dispatch's `assignee` looked users up among every account of the platform,
so an id of another community's account answered "choose a technician of this community"
while an unused id answered "does not exist": a probe for which accounts exist elsewhere. An
account that is no member of this community is now simply "does not exist".

Held (pinned): every action on another community's ticket, or on a ticket the viewer may not
see, is a 404 with no data.
"""

import pytest
from django.core.exceptions import ValidationError

from community.models import Membership, Organisation
from tests import factories
from tests.tickets.conftest import Driver, make_categories
from tickets import services
from tickets.models import Ticket, TicketKind

Role = Membership.Role
WO = TicketKind.WORK_ORDER
ACTIONS = ["accept", "dispatch", "start", "resolve", "confirm", "reopen", "reject", "cancel",
           "transfer", "merge", "rate", "pause", "resume", "reply", "follow-up"]  # fmt: skip


@pytest.fixture
def drive(world):
    return Driver(
        {
            world.a.community.pk: make_categories(world.a.community),
            world.b.community.pk: make_categories(world.b.community),
        }
    )


def dispatch(client, side, ticket, assignee):
    return client.post(
        f"/api/v1/c/{side.community.slug}/work-orders/{ticket.pk}/dispatch/",
        {"assignee": assignee},
        format="json",
    )


def test_assignee_outside_the_community_is_does_not_exist(world, drive, api_as):
    ticket = drive(world.a, WO, "accepted")
    manager = api_as(world.a.users[Role.PROPERTY_MANAGER])
    elsewhere = dispatch(manager, world.a, ticket, world.b.users[Role.TECHNICIAN].pk)
    nowhere = dispatch(manager, world.a, ticket, 999999)
    assert (elsewhere.status_code, nowhere.status_code) == (400, 400)
    assert elsewhere.json() == {
        "assignee": [f"无效主键 “{world.b.users[Role.TECHNICIAN].pk}” － 对象不存在。"]
    }
    assert nowhere.json() == {"assignee": ["无效主键 “999999” － 对象不存在。"]}
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee_id) == ("accepted", None)


def test_member_who_is_not_staff_is_refused_by_the_rule(world, drive, api_as):
    ticket = drive(world.a, WO, "accepted")
    manager = api_as(world.a.users[Role.PROPERTY_MANAGER])
    response = dispatch(manager, world.a, ticket, world.a.users[Role.RESIDENT].pk)
    assert response.status_code == 400
    assert response.json() == {"assignee": ["请选择本社区的维修人员或工作人员。"]}


def test_assignee_of_this_community_is_dispatched(world, drive, api_as):
    ticket = drive(world.a, WO, "accepted")
    manager = api_as(world.a.users[Role.PROPERTY_MANAGER])
    technician = world.a.users[Role.TECHNICIAN]
    response = dispatch(manager, world.a, ticket, technician.pk)
    assert response.status_code == 200, response.content
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee_id) == ("dispatched", technician.pk)


@pytest.mark.parametrize("action", ACTIONS)
def test_actions_on_a_ticket_the_viewer_may_not_see_are_404(world, drive, api_as, action):
    theirs = drive(world.b, WO, "resolved")
    not_assigned = drive(world.a, WO, "dispatched")
    other = world.a.users[Role.TECHNICIAN].__class__.objects.create(username="a-tech-2")
    Membership.objects.create(community=world.a.community, user=other, role=Role.TECHNICIAN)
    cases = [
        (api_as(world.a.users[Role.COMMITTEE_STAFF]), world.a, theirs),
        (api_as(world.a.users[Role.RESIDENT]), world.a, theirs),
        (api_as(other), world.a, not_assigned),
    ]
    for client, side, ticket in cases:
        before = list(ticket.events.values_list("pk", flat=True))
        response = client.post(
            f"/api/v1/c/{side.community.slug}/work-orders/{ticket.pk}/{action}/",
            {"note": "x", "rating": 5, "satisfied": False},
            format="json",
        )
        assert response.status_code == 404, (action, response.content)
        assert "number" not in response.content.decode()
        assert list(Ticket.objects.get(pk=ticket.pk).events.values_list("pk", flat=True)) == before


def test_only_organisations_doing_the_communitys_work_take_dispatches(world, drive, api_as):
    # Members of community a belong to a property company, a street office and an evaluator;
    # the compound's property company serves it too. The street office supervises and the
    # evaluator only reads: neither is offered nor accepted.
    from tickets.forms import DispatchForm

    kinds = Organisation.Kind
    company, street, evaluator = (
        factories.OrganisationFactory(name=name, kind=kind)
        for name, kind in (
            ("安居物业", kinds.PROPERTY_COMPANY),
            ("新华街道办事处", kinds.STREET_OFFICE),
            ("明鉴评估", kinds.EVALUATOR),
        )
    )
    builder = factories.OrganisationFactory(name="城建物业", kind=kinds.PROPERTY_COMPANY)
    world.a.building.compound.property_company = builder
    world.a.building.compound.save()
    for role, organisation in (
        (Role.PROPERTY_MANAGER, company),
        (Role.STREET_OFFICER, street),
        (Role.EVALUATOR, evaluator),
    ):
        Membership.objects.filter(community=world.a.community, role=role).update(
            organisation=organisation
        )
    form = DispatchForm(community=world.a.community, ticket=drive(world.a, WO, "accepted"))
    assert [o.name for o in form.fields["organisation"].queryset] == ["城建物业", "安居物业"]
    manager_user = world.a.users[Role.PROPERTY_MANAGER]
    manager = api_as(manager_user)
    url = f"/api/v1/c/{world.a.community.slug}/work-orders/{{}}/dispatch/"
    # Refused as "does not exist", like an id that does not: the API confirms nothing.
    for refused in (street.pk, evaluator.pk, 999_999):
        ticket = drive(world.a, WO, "accepted")
        response = manager.post(url.format(ticket.pk), {"organisation": refused}, format="json")
        assert response.status_code == 400
        assert response.json() == {"organisation": [f"无效主键 “{refused}” － 对象不存在。"]}
    # The service refuses them too, for any caller that is not the API.
    ticket = drive(world.a, WO, "accepted")
    with pytest.raises(ValidationError) as refused:
        services.ticket_dispatch(
            ticket=ticket, actor=world.a.users[Role.PROPERTY_MANAGER], organisation=street
        )
    assert refused.value.message_dict == {"organisation": ["请选择为本社区服务的单位。"]}
    ticket = drive(world.a, WO, "accepted")
    response = manager.post(url.format(ticket.pk), {"organisation": builder.pk}, format="json")
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assigned_organisation_id) == ("dispatched", builder.pk)
