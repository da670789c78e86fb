"""Tenant isolation of every community-records page and API endpoint (DESIGN.md, Tenancy).

The URL lists are read from community/records/urls.py itself, so a new page or endpoint is
covered without editing this file: every route taking a `pk` is asked, with every method it
answers, for community B's row from inside community A (404), and every route of community A
is asked by a member of B only (404). Anonymous visitors reach only the public disclosure
pages."""

import re

import pytest
from django.core.files.base import ContentFile

from community.models import DisclosureChannel, DisclosureDocument, MeetingAttachment, Membership
from community.records import urls as records_urls

Role = Membership.Role

# URL name -> the record kind whose pk the route takes.
PAGE_KIND = {
    "meeting": "meeting",
    "meeting-attachment": "meeting_attachment",
    "agenda-topic": "agenda_topic",
    "opinion": "opinion",
    "activity": "activity",
    "volunteer-team": "volunteer_team",
    "volunteer-hours": "volunteer_hours",
    "disclosure": "disclosure",
    "public-disclosure": "disclosure",
    "public-document": "document",
    "survey": "survey",
    "emergency-plan": "emergency_plan",
    "plan-revision-create": "emergency_plan",
    "plan-revision-document": "plan_revision",
    "drill-action-done": "drill_action",
    "drill": "drill",
    "incident": "incident",
    "training": "training",
}
API_KIND = {
    "meeting": "meeting",
    "agenda-topic": "agenda_topic",
    "opinion": "opinion",
    "activity": "activity",
    "activity-signup": "activity_signup",
    "volunteer-team": "volunteer_team",
    "volunteer-hours": "volunteer_hours",
    "disclosure-channel": "disclosure_channel",
    "disclosure": "disclosure",
    "survey": "survey",
    "survey-response": "survey_response",
    "emergency-plan": "emergency_plan",
    "plan-revision": "plan_revision",
    "drill": "drill",
    "drill-action": "drill_action",
    "incident": "incident",
    "training": "training",
}


def kind_for(name: str, table: dict) -> str:
    """The kind of the longest URL-name prefix in `table` (KeyError when none matches)."""
    for prefix in sorted(table, key=len, reverse=True):
        if name.startswith(prefix):
            return table[prefix]
    raise KeyError(name)


def fill(route: str, slug: str, pk=None, what="activities") -> str:
    path = re.sub(r"<slug:slug>", slug, route)
    path = re.sub(r"<slug:what>", what, path)
    return "/" + re.sub(r"<int:pk>|\(\?P<pk>\[\^/\.\]\+\)", str(pk), path).lstrip("^").rstrip("$")


PAGE_ROUTES = [(p.name, str(p.pattern)) for p in records_urls.urlpatterns]
API_ROUTES = [
    (p.name, str(p.pattern), sorted(p.callback.actions)) for p in records_urls.router.urls
]


@pytest.fixture
def extra(records, world):
    """Rows some routes need beyond `records`: an attachment, a document, a channel, a response."""
    from community.records import services

    out = {}
    for key, side in (("a", world.a), ("b", world.b)):
        rec = getattr(records, key)
        rec["meeting_attachment"] = MeetingAttachment.objects.create(
            community=side.community,
            meeting=rec["meeting"],
            file=ContentFile(b"x", name="m.txt"),
            name="纪要.txt",
        )
        rec["document"] = DisclosureDocument.objects.create(
            community=side.community,
            disclosure=rec["disclosure"],
            file=ContentFile(b"x", name="d.pdf"),
            name="d.pdf",
            sha256="0" * 64,
        )
        rec["disclosure_channel"] = DisclosureChannel.objects.get(community=side.community)
        q = list(rec["survey"].questions.all())
        rec["survey_response"] = services.survey_answer(
            survey=rec["survey"],
            user=side.users[Role.RESIDENT],
            answers={q[0].pk: 5, q[1].pk: True},
        )
        out[key] = rec
    return out


def test_every_route_is_covered():
    """Every route taking a pk has a kind here (a new route without one fails this test)."""
    for name, route in PAGE_ROUTES:
        if "<int:pk>" in route:
            assert kind_for(name, PAGE_KIND)
    for name, _route, _methods in API_ROUTES:
        assert kind_for(name, API_KIND)


@pytest.mark.parametrize(("name", "route"), [r for r in PAGE_ROUTES if "<int:pk>" in r[1]])
def test_page_with_another_communitys_row_is_404(name, route, world, extra, page_as):
    client = page_as(world.a.users[Role.COMMITTEE_STAFF])
    for role in Role:
        if role != Role.COMMITTEE_STAFF:
            Membership.objects.get_or_create(
                community=world.a.community, user=world.a.users[Role.COMMITTEE_STAFF], role=role
            )
    row = extra["b"][kind_for(name, PAGE_KIND)]
    url = fill(route, world.a.community.slug, row.pk)
    # GET and POST each answer 404, or 405 when the route does not take the method.
    codes = {
        client.get(url).status_code,
        client.post(url, {"done": "1", "reason": "x"}).status_code,
    }
    assert 404 in codes and codes <= {404, 405}, (url, codes)


@pytest.mark.parametrize(("name", "route", "methods"), [r for r in API_ROUTES if "pk" in r[1]])
def test_api_with_another_communitys_row_is_404(name, route, methods, world, extra, api_as):
    user = world.a.users[Role.COMMITTEE_STAFF]
    for role in Role:
        Membership.objects.get_or_create(community=world.a.community, user=user, role=role)
    client = api_as(user)
    row = extra["b"][kind_for(name, API_KIND)]
    url = "/api/v1/c/" + world.a.community.slug + fill(route, "", row.pk).replace("//", "/")
    for method in methods:
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 404, (method, url, response.status_code)


def all_page_urls(slug, rec):
    urls = []
    for name, route in PAGE_ROUTES:
        if route.startswith("p/"):
            continue
        pk = rec[kind_for(name, PAGE_KIND)].pk if "<int:pk>" in route else None
        urls.append(fill(route, slug, pk))
    return urls


def all_api_urls(slug, rec):
    urls = []
    for name, route, methods in API_ROUTES:
        pk = rec[kind_for(name, API_KIND)].pk if "pk" in route else None
        urls.append(("/api/v1/c/" + slug + fill(route, "", pk).replace("//", "/"), methods))
    urls.append((f"/api/v1/c/{slug}/records/import/activities/", ["post"]))
    return urls


def test_member_of_another_community_gets_404_everywhere(world, extra, page_as, api_as):
    slug = world.a.community.slug
    for user in [*world.b.users.values(), world.outsider]:
        client = page_as(user)
        for url in all_page_urls(slug, extra["a"]):
            assert client.get(url).status_code == 404, (user, url)
            assert client.post(url, {}).status_code in (404, 405), (user, url)
    api = api_as(world.b.users[Role.COMMITTEE_STAFF])
    for url, methods in all_api_urls(slug, extra["a"]):
        for method in methods:
            assert getattr(api, method)(url, {}, format="json").status_code == 404, (method, url)


def test_anonymous_sees_only_the_public_disclosure_pages(world, extra, page_as, api_as):
    slug = world.a.community.slug
    client = page_as(None)
    for url in all_page_urls(slug, extra["a"]):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(
            "/accounts/login/"
        ), url
    api = api_as(None)
    for url, methods in all_api_urls(slug, extra["a"]):
        for method in methods:
            assert getattr(api, method)(url, {}, format="json").status_code in (401, 403), (
                method,
                url,
            )
    public = client.get(f"/p/{slug}/disclosures/")
    assert public.status_code == 200
    assert [d.pk for d, _s in public.context["rows"]] == [extra["a"]["disclosure"].pk]
    assert "物业费收支公示" in public.content.decode()
    detail = client.get(f"/p/{slug}/disclosures/{extra['a']['disclosure'].pk}/")
    assert detail.status_code == 200
    document = client.get(f"/p/{slug}/disclosures/documents/{extra['a']['document'].pk}/")
    assert document.status_code == 200 and b"".join(document.streaming_content) == b"x"
    # Another community's disclosure and document under this slug: 404.
    assert client.get(f"/p/{slug}/disclosures/{extra['b']['disclosure'].pk}/").status_code == 404
    assert (
        client.get(f"/p/{slug}/disclosures/documents/{extra['b']['document'].pk}/").status_code
        == 404
    )
    assert client.get("/p/no-such-community/disclosures/").status_code == 404


def test_foreign_keys_into_another_community_are_refused(world, extra, api_as):
    api = api_as(world.a.users[Role.COMMITTEE_STAFF])
    base = f"/api/v1/c/{world.a.community.slug}/"
    cases = [
        (
            "agenda-topics/",
            {"title": "t", "source": "staff", "meeting": extra["b"]["meeting"].pk},
            "meeting",
        ),
        (
            "volunteer-hours/",
            {
                "name": "n",
                "served_on": "2025-01-01",
                "hours": "1",
                "team": extra["b"]["volunteer_team"].pk,
            },
            "team",
        ),
        (
            "drills/",
            {
                "title": "d",
                "held_at": "2025-01-01T10:00",
                "participants": 1,
                "plan": extra["b"]["emergency_plan"].pk,
            },
            "plan",
        ),
        ("drill-actions/", {"description": "x", "drill": extra["b"]["drill"].pk}, "drill"),
        (
            "plan-revisions/",
            {"version": "v", "revised_on": "2025-01-01", "plan": extra["b"]["emergency_plan"].pk},
            "plan",
        ),
        (
            "trainings/",
            {
                "topic": "t",
                "held_on": "2025-01-01",
                "hours": "1",
                "attendee_ids": [world.b.users[Role.COMMITTEE_STAFF].pk],
            },
            "attendee_ids",
        ),
    ]
    for path, payload, field in cases:
        response = api.post(base + path, payload, format="json")
        assert response.status_code == 400, (path, response.content)
        assert field in response.json(), (path, response.json())
