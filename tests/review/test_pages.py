"""The annual review pages through real requests: permission cells, tenant isolation, what the
page shows, the staff sections, the query count."""

import datetime as dt

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from community.models import Meeting, Membership
from reports.models import AnnualReview, AnnualReviewVersion
from reports.review import selectors, services
from residents.models import Building
from tests import factories
from tests.reports.conftest import Desk, at
from tests.review.conftest import SH, YEAR
from tickets.models import Ticket, TicketEvent
from tickets.services import event_apply

R = Membership.Role
READERS = {R.COMMITTEE_STAFF, R.PROPERTY_MANAGER, R.OWNERS_COMMITTEE, R.EVALUATOR, R.STREET_OFFICER}
WRITERS = {R.COMMITTEE_STAFF}


def url(name, community, **kwargs):
    return reverse(f"reports:{name}", kwargs={"slug": community.slug, **kwargs})


@pytest.mark.parametrize("role", list(R))
def test_read_cell_of_every_role(review_world, page_as, role):
    a = review_world.a
    response = page_as(a.users[role]).get(url("review", a.community, year=YEAR))
    assert response.status_code == (200 if role in READERS else 403)
    status = page_as(a.users[role]).get(url("review-status", a.community, year=YEAR))
    assert status.status_code == (200 if role in READERS else 403)


@pytest.mark.parametrize("role", list(R))
def test_write_cell_of_every_role(review_world, page_as, role):
    a = review_world.a
    response = page_as(a.users[role]).post(
        url("review", a.community, year=YEAR),
        {"highlights": f"{role} 写的", "challenges": "", "plans": ""},
    )
    saved = AnnualReview.objects.filter(community=a.community, year=YEAR).first()
    if role in WRITERS:
        assert response.status_code == 302
        assert saved.highlights == f"{role} 写的" and saved.edited_by == a.users[role]
    else:
        assert response.status_code == 403 and saved is None
        render = page_as(a.users[role]).post(url("review-finalise", a.community, year=YEAR))
        assert render.status_code == 403


def test_another_communitys_review_answers_404_everywhere(review_world, page_as):
    a, b = review_world.a, review_world.b
    review = AnnualReview.objects.create(community=a.community, year=YEAR, draft_pdf=b"%PDF-a")
    AnnualReviewVersion.objects.create(
        community=a.community,
        review=review,
        number=1,
        pdf=b"%PDF-a",
        sha256="0" * 64,
        figures={"as_of": None, "figures": {}},
        generated_at=at(2016, 1, 5),
    )
    for user in (b.users[R.COMMITTEE_STAFF], b.users[R.STREET_OFFICER], review_world.outsider):
        client = page_as(user)
        for name, extra in (
            ("review-index", {}),
            ("review", {"year": YEAR}),
            ("review-status", {"year": YEAR}),
            ("review-pdf", {"year": YEAR}),
            ("review-version-pdf", {"year": YEAR, "number": 1}),
        ):
            assert client.get(url(name, a.community, **extra)).status_code == 404, name
        for name in ("review", "review-render", "review-finalise"):
            assert client.post(url(name, a.community, year=YEAR), {}).status_code == 404, name
    # B's own staff, on B's pages, never reach A's rows.
    client = page_as(b.users[R.COMMITTEE_STAFF])
    assert client.get(url("review-pdf", b.community, year=YEAR)).status_code == 404
    assert (
        client.get(url("review-version-pdf", b.community, year=YEAR, number=1)).status_code == 404
    )
    status = client.get(url("review-status", b.community, year=YEAR)).json()
    assert status["versions"] == 0 and status["status"] == "idle"
    assert bytes(AnnualReview.objects.get(community=a.community).draft_pdf) == b"%PDF-a"


def test_page_shows_the_figures_n_last_year_change_and_records(review_world, page_as):
    a = review_world.a
    services.review_figures_compute(community=a.community, year=YEAR)
    response = page_as(a.users[R.EVALUATOR]).get(url("review", a.community, year=YEAR))
    html = response.content.decode()
    for heading in ("服务质量与环境", "治理与居民参与", "应急管理与风险防范", "队伍建设与科技应用"):
        assert heading in html
    rows = {row.key: row for block in response.context["data"].blocks for row in block.figures}
    closure = rows["tickets.closure_rate"]
    assert (closure.text, closure.n, closure.last_text) == ("62.5 %", 8, "50.0 %")
    assert closure.change_text == "+12.5 个百分点" and closure.shows_n
    assert rows["tickets.count"].text == "8" and not rows["tickets.count"].shows_n
    assert rows["tech.online_submission_rate"].text == "37.5 %"
    assert "第一季度联席会议" in html and "消防疏散演练" in html and "地下车库进水" in html
    assert "<svg" in html and "<script>" not in html.split("<main")[1].split("</main>")[0]
    # A reader sees the sections as text, without the form or the staff buttons.
    assert (
        'name="highlights"' not in html
        and url("review-finalise", a.community, year=YEAR) not in html
    )


def test_staff_sections_are_plain_text_and_a_too_long_one_is_refused_without_loss(
    review_world, page_as
):
    a = review_world.a
    client = page_as(a.users[R.COMMITTEE_STAFF])
    hostile = '<script>alert(1)</script><img src="file:///etc/passwd">'
    client.post(
        url("review", a.community, year=YEAR),
        {"highlights": hostile, "challenges": "", "plans": ""},
    )
    html = page_as(a.users[R.OWNERS_COMMITTEE]).get(url("review", a.community, year=YEAR))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html.content.decode()

    client = page_as(a.users[R.COMMITTEE_STAFF])
    too_long = "长" * (services.SECTION_MAX_CHARS + 1)
    response = client.post(
        url("review", a.community, year=YEAR),
        {"highlights": "要保留的亮点", "challenges": too_long, "plans": "计划"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["challenges"]
    assert "20000" in form.errors["challenges"][0] or "20,000" in form.errors["challenges"][0]
    assert form["highlights"].value() == "要保留的亮点" and form["plans"].value() == "计划"
    assert AnnualReview.objects.get(community=a.community, year=YEAR).highlights == hostile


def test_year_out_of_range_is_404_and_the_index_opens_last_year(review_world, page_as):
    a = review_world.a
    client = page_as(a.users[R.COMMITTEE_STAFF])
    assert client.get(url("review", a.community, year=1999)).status_code == 404
    this_year = timezone.localdate(timezone=a.community.tz).year
    assert client.get(url("review", a.community, year=this_year + 1)).status_code == 404
    response = client.get(url("review-index", a.community))
    assert response.status_code == 302
    assert response.url == url("review", a.community, year=this_year - 1)


def test_challenges_found_in_the_data(review_world):
    """Categories: 电梯 6 tickets, 2 resolved (33.3 %); 噪音 5, all resolved (100.0 %); 保洁 2,
    none resolved (n 2 < 5: not ranked); 噪音 is not listed. Building 2号楼 gets 3 complaints
    (repeated), 1号楼 2.
    One supervised complaint is open past its deadline, one is done. Hand-offs: property ->
    committee twice on one ticket, once on another; committee -> property once."""
    a = review_world.a
    community = a.community
    desk = Desk(community)
    second = factories.BuildingFactory(compound=a.building.compound, name="2号楼")
    day = at(YEAR, 4, 1, 9, tz=SH)
    tickets = []
    for code, total, resolved in (("lift", 6, 2), ("noise", 5, 5), ("cleaning", 2, 0)):
        for i in range(total):
            steps = [("resolved", day + dt.timedelta(hours=3))] if i < resolved else []
            ticket = desk.ticket(day + dt.timedelta(minutes=i), *steps, category=code)
            if steps:  # the derived state now, which Desk leaves at "submitted"
                Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.RESOLVED)
            tickets.append(ticket)
    desk.categories["lift"].name = "电梯"
    desk.categories["lift"].save()
    desk.categories["noise"].name = "噪音"
    desk.categories["noise"].save()
    building_of = [second] * 3 + [a.building] * 2
    for ticket, building in zip(tickets, building_of, strict=False):
        ticket.building = building
        ticket.save(update_fields=["building"])
    open_lift, done_noise = tickets[5], tickets[6]
    for ticket in (open_lift, done_noise):
        ticket.is_supervised, ticket.supervision_due_at = True, at(YEAR, 5, 1, tz=SH)
        ticket.save(update_fields=["is_supervised", "supervision_due_at"])
    for ticket, source, target in (
        (tickets[0], "property_company", "neighbourhood_committee"),
        (tickets[0], "property_company", "neighbourhood_committee"),
        (tickets[1], "property_company", "neighbourhood_committee"),
        (tickets[2], "neighbourhood_committee", "property_company"),
    ):
        TicketEvent.objects.create(
            community=community,
            ticket=ticket,
            kind="transfer",
            actor_kind="staff",
            at=day + dt.timedelta(hours=1),
            data={"from": source, "to": target},
        )
        Ticket.objects.filter(pk=ticket.pk).update(handoff_count=F("handoff_count") + 1)
    services.review_figures_compute(community=community, year=YEAR)
    data = selectors.review_data(
        community=community,
        year=YEAR,
        review=selectors.annual_review_get(community=community, year=YEAR),
    )
    closure, satisfaction, buildings, overdue, handoffs = data.challenges
    # The fixture's own "general" category: 10 tickets, 5 resolved (50.0 %).
    # 噪音 at 100.0 % is no challenge: not listed.
    assert closure.rows == [["电梯", "33.3 %", "6"], ["general", "62.5 %", "8"]]
    assert satisfaction.rows == []  # nobody rated
    assert buildings.rows == [["a小区 2号楼", "3"]]
    assert [row[0] for row in overdue.rows] == [f"#{open_lift.pk}"]
    assert handoffs.rows == [
        ["物业服务企业", "居委会", "3", "2"],
        ["居委会", "物业服务企业", "1", "1"],
    ]
    assert Building.objects.filter(community=community).count() == 2


def test_page_queries_are_bounded_with_many_rows(
    review_world, page_as, django_assert_max_num_queries
):
    a = review_world.a
    community = a.community
    desk = Desk(community)
    for i in range(120):
        desk.ticket(
            at(YEAR, 1 + i % 12, 1 + i % 27, 9, tz=SH),
            ("resolved", at(YEAR, 1 + i % 12, 1 + i % 27, 15, tz=SH)),
            category=f"c{i % 12}",
        )
    Meeting.objects.bulk_create(
        Meeting(
            community=community,
            kind="joint",
            title=f"会议{i}",
            held_at=at(YEAR, 1 + i % 12, 2, tz=SH),
        )
        for i in range(40)
    )
    services.review_figures_compute(community=community, year=YEAR)
    client = page_as(a.users[R.COMMITTEE_STAFF])
    with django_assert_max_num_queries(20):
        response = client.get(url("review", community, year=YEAR))
    assert response.status_code == 200 and "会议39" in response.content.decode()


def test_a_note_says_when_response_time_is_the_resolution_time(world, page_as):
    """Three tickets of 2015 first answered by their resolution, one answered before: 75.0 %
    (more than half) -> the note under both response figures; none under other figures."""
    community = world.a.community
    desk = Desk(community)
    written = [
        desk.ticket(t, ("resolved", t.replace(hour=12)))
        for t in (at(YEAR, 3, day, 9, tz=SH) for day in (1, 2, 3))
    ]
    t = at(YEAR, 4, 1, 9, tz=SH)
    written.append(
        desk.ticket(t, ("accepted", t.replace(hour=10)), ("resolved", t.replace(hour=12)))
    )
    for ticket in written:  # the derived columns, as the ticket services keep them
        for event in TicketEvent.objects.filter(ticket=ticket).order_by("at", "id"):
            event_apply(ticket, event)
        ticket.save()
    services.review_figures_compute(community=community, year=YEAR)
    response = page_as(world.a.users[R.EVALUATOR]).get(url("review", community, year=YEAR))
    notes = {
        row.key: row.note for block in response.context["data"].blocks for row in block.figures
    }
    expected = (
        "这些诉求中有 75.0 % 在办结前没有单独的响应（导入的诉求没有）：其响应时长即办理时长。"
    )
    assert notes["tickets.response_minutes.median"] == expected
    assert notes["tickets.response_minutes.p90"] == expected
    assert notes["tickets.closure_rate"] == ""
    assert response.content.decode().count('data-note="response"') == 2
