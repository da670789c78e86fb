"""The annual review's fixture: community A's year 2015 (and a little of 2014), written row by
row so every expected figure can be counted by hand."""

import pytest

from community.models import AgendaTopic, Drill, Incident, Meeting
from tests.reports.conftest import Desk, at
from tickets.models import Ticket

YEAR = 2015
SH = "Asia/Shanghai"


@pytest.fixture
def review_world(world):
    """Community A, 2015: 8 complaints (5 resolved, 3 submitted online), 2 meetings raising
    3 agenda topics (2 resolved), 1 drill with 40 participants, 2 incidents answered in 6 and 20
    minutes; 2014: 2 complaints (1 resolved). Community B: 1 complaint.

    By hand: closure rate 5 / 8 = 62.5 % (n 8), last year 1 / 2 = 50.0 %, change +12.5 pp;
    online submission rate 3 / 8 = 37.5 %; topic resolution rate 2 / 3 = 66.7 %; incident
    response median (6 + 20) / 2 = 13.0 min.
    """
    community = world.a.community
    desk = Desk(community)
    for i in range(8):
        submitted = at(YEAR, 3 + i, 2, 9, tz=SH)
        steps = [("accepted", at(YEAR, 3 + i, 2, 10, tz=SH))]
        if i < 5:
            steps.append(("resolved", at(YEAR, 3 + i, 3, 9, tz=SH)))
        channel = Ticket.Channel.WEB if i < 3 else Ticket.Channel.PHONE
        desk.ticket(submitted, *steps, channel=channel)
    desk.ticket(at(YEAR - 1, 5, 1, 9, tz=SH), ("resolved", at(YEAR - 1, 5, 1, 12, tz=SH)))
    desk.ticket(at(YEAR - 1, 6, 1, 9, tz=SH))
    Desk(world.b.community).ticket(at(YEAR, 4, 1, 9, tz=SH))
    for month, title in ((3, "第一季度联席会议"), (9, "第三季度联席会议")):
        meeting = Meeting.objects.create(
            community=community,
            kind=Meeting.Kind.JOINT,
            title=title,
            held_at=at(YEAR, month, 15, 14, tz=SH),
        )
    for i, resolved in enumerate((True, True, False)):
        AgendaTopic.objects.create(
            community=community,
            meeting=meeting,
            title=f"议题{i}",
            source=AgendaTopic.Source.STAFF,
            raised_at=at(YEAR, 9, 15, 15, tz=SH),
            status=AgendaTopic.Status.RESOLVED if resolved else AgendaTopic.Status.RAISED,
            resolved_at=at(YEAR, 10, 1, 9, tz=SH) if resolved else None,
        )
    Drill.objects.create(
        community=community,
        title="消防疏散演练",
        held_at=at(YEAR, 11, 9, 9, tz=SH),
        participants=40,
    )
    for day, minutes, title in ((1, 6, "3号楼电动车起火"), (8, 20, "地下车库进水")):
        Incident.objects.create(
            community=community,
            kind=Incident.Kind.FIRE if day == 1 else Incident.Kind.FLOOD,
            title=title,
            reported_at=at(YEAR, 7, day, 20, tz=SH),
            first_response_at=at(YEAR, 7, day, 20, minutes, tz=SH),
        )
    return world
