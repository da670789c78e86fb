"""A ticket merged into another keeps its submitter private from the survivor's resident:
the events API hides the other resident's name and what they wrote, as the ticket page does;
staff still see both."""

from community.models import Membership
from tests import factories
from tickets import services
from tickets.models import TicketKind

Role = Membership.Role


def test_the_survivors_resident_sees_neither_name_nor_note_of_the_merged_submitter(
    world, categories, api_as
):
    side = world.a
    pm = side.users[Role.PROPERTY_MANAGER]
    neighbour = factories.UserFactory(username="neighbour", first_name="邻居")
    factories.MembershipFactory(community=side.community, user=neighbour, role=Role.RESIDENT)
    category = categories[side.community.pk][TicketKind.COMPLAINT]

    def submit(actor, **place):
        return services.ticket_submit(
            community=side.community,
            actor=actor,
            kind=TicketKind.COMPLAINT,
            category=category,
            description="楼道灯不亮",
            **place,
        )

    survivor = submit(side.users[Role.RESIDENT], household=side.household)
    merged = submit(neighbour, location_text="1号楼楼道")
    services.ticket_reply(ticket=merged, actor=neighbour, note="我的电话 13800138000")
    services.ticket_merge(ticket=merged, into=survivor, actor=pm, note="同一事项")

    url = f"/api/v1/c/{side.community.slug}/complaints/{survivor.pk}/events/"

    def by_merged_submitter(viewer):
        timeline = api_as(viewer).get(url).json()
        return [
            (e["actor"], e["note"])
            for e in timeline
            if e["ticket_number"] == merged.number and e["actor_kind"] == "submitter"
        ]

    # The merged ticket's submission and reply, both by the neighbour.
    assert by_merged_submitter(side.users[Role.RESIDENT]) == [(None, ""), (None, "")]
    staff_view = by_merged_submitter(pm)
    assert [note for _, note in staff_view] == ["", "我的电话 13800138000"]
    assert all(actor is not None for actor, _ in staff_view)
