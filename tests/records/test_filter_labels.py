"""Every filter of every list page (community records, safety and operations logs, disputes,
registry) is labelled in the viewer's language, also after the API schema has read the filter
sets: django-filter builds a filter's form field once on the class for the schema, and a filter
without a label then gave every later form the field name ("Kind", "Status")."""

import contextlib
import re

import pytest
from django.urls import NoReverseMatch, get_resolver, reverse

from community.models import Membership

Role = Membership.Role
NAMESPACES = ("community", "property_ops", "complaints", "residents")


def list_urls(slug: str) -> list[str]:
    """The list pages (URL names ending in -list) of NAMESPACES that take only the slug."""
    urls = []
    for namespace in NAMESPACES:
        resolver = get_resolver().namespace_dict[namespace][1]
        for name in resolver.reverse_dict:
            if isinstance(name, str) and name.endswith("-list"):
                with contextlib.suppress(NoReverseMatch):  # a list under a record
                    urls.append(reverse(f"{namespace}:{name}", kwargs={"slug": slug}))
    return sorted(set(urls))


def filter_labels(html: str) -> list[str]:
    """The labels of the page's search form (none when the page has no filters)."""
    form = re.search(r'<form[^>]*role="search".*?</form>', html, re.S)
    if form is None:
        return []
    return [
        re.sub(r"<[^>]+>|\s+", "", label)
        for label in re.findall(r"<label[^>]*>(.*?)</label>", form.group(0), re.S)
    ]


def test_the_walk_covers_the_reported_pages(world):
    urls = list_urls(world.a.community.slug)
    for path in ("meetings/", "topics/", "opinions/", "activities/", "disclosures/", "surveys/"):
        assert f"/c/a-community/{path}" in urls
    assert "/c/a-community/ops/service-uses/" in urls
    assert len(urls) >= 25


@pytest.mark.parametrize("schema_first", [False, True], ids=["fresh", "after-schema"])
def test_every_list_filter_label_is_chinese(world, page_as, api_as, schema_first):
    staff = world.a.users[Role.COMMITTEE_STAFF]
    if schema_first:
        assert api_as(staff).get("/api/schema/").status_code == 200
    client = page_as(staff)
    english, filtered = {}, 0
    for url in list_urls(world.a.community.slug):
        response = client.get(url)
        assert response.status_code == 200, url
        labels = filter_labels(response.content.decode())
        filtered += bool(labels)
        wrong = [label for label in labels if re.search(r"[A-Za-z]", label)]
        if wrong:
            english[url] = wrong
    assert english == {}
    assert filtered >= 25


def test_reported_labels_read_in_chinese(world, page_as, api_as):
    staff = world.a.users[Role.COMMITTEE_STAFF]
    api_as(staff).get("/api/schema/")
    client = page_as(staff)
    assert filter_labels(client.get("/c/a-community/meetings/").content.decode()) == [
        "搜索",
        "类型",
        "起始日期",
        "截止日期",
    ]
    topics = filter_labels(client.get("/c/a-community/topics/").content.decode())
    assert topics[1:3] == ["状态", "来源"]
    opinions = filter_labels(client.get("/c/a-community/opinions/").content.decode())
    assert opinions[1:3] == ["渠道", "决定"]
    surveys = filter_labels(client.get("/c/a-community/surveys/").content.decode())
    assert surveys[1] == "答卷方式"
    staff.language = "en"
    staff.save(update_fields=["language"])
    assert filter_labels(client.get("/c/a-community/meetings/").content.decode())[1] == "Kind"
