"""Disclosures: the hash chain, corrections as new versions, the public page, objections."""

import datetime
import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from community.models import Disclosure, DisclosureObjection, Membership
from community.records import selectors, services
from tickets.models import Ticket, TicketKind

Role = Membership.Role
UTC = datetime.UTC


def publish(side, title, *, at, supersedes=None, reason="", uploads=()):
    return services.disclosure_publish(
        community=side.community,
        user=side.users[Role.COMMITTEE_STAFF],
        data={
            "kind": "maintenance_fund",
            "title": title,
            "body": f"{title}：支出 12,800.00 元",
            "period_start": datetime.date(2025, 1, 1),
            "period_end": datetime.date(2025, 6, 30),
            "channels": ["notice_board", "portal"],
            "published_at": at,
            "correction_reason": reason,
        },
        uploads=uploads,
        supersedes=supersedes,
    )


@pytest.fixture
def three(world):
    at = datetime.datetime(2025, 7, 1, 2, 0, tzinfo=UTC)
    first = publish(
        world.a,
        "维修资金使用公示",
        at=at,
        uploads=[SimpleUploadedFile("账目.pdf", b"%PDF-1 ledger")],
    )
    second = publish(world.a, "公共收益公示", at=at + datetime.timedelta(days=1))
    third = publish(world.a, "业委会工作报告", at=at + datetime.timedelta(days=2))
    return first, second, third


def test_the_hash_is_sha256_over_the_canonical_content_and_the_previous_hash(world, three):
    first, second, _third = three
    # Recomputed here by hand from the documented canonical form, not through the service.
    content = {
        "body": "维修资金使用公示：支出 12,800.00 元",
        "channels": ["notice_board", "portal"],
        "community": world.a.community.pk,
        "correction_reason": "",
        "documents": [{"name": "账目.pdf", "sha256": hashlib.sha256(b"%PDF-1 ledger").hexdigest()}],
        "kind": "maintenance_fund",
        "period_end": "2025-06-30",
        "period_start": "2025-01-01",
        "prev_hash": "0" * 64,
        "published_at": "2025-07-01T02:00:00.000000+00:00",
        "seq": 1,
        "supersedes": None,
        "title": "维修资金使用公示",
        "version": 1,
    }
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert first.content_hash == hashlib.sha256(canonical.encode()).hexdigest()
    assert (first.seq, second.seq, second.prev_hash) == (1, 2, first.content_hash)
    check = selectors.disclosure_chain_check(community=world.a.community)
    assert (check.checked, check.ok) == (3, True)


def test_an_update_through_the_orm_behind_the_portals_back_is_detected(world, three, page_as):
    first, second, third = three
    Disclosure.objects.filter(pk=second.pk).update(body="公共收益：收入 0 元")
    check = selectors.disclosure_chain_check(community=world.a.community)
    assert check.altered == {second.pk} and check.broken == set()
    page = page_as(None).get(f"/p/{world.a.community.slug}/disclosures/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-chain="altered"' in html and html.count('data-chain="ok"') == 2
    assert {d.pk: s for d, s in page.context["rows"]} == {
        first.pk: "ok",
        second.pk: "altered",
        third.pk: "ok",
    }


def test_raw_sql_changes_are_detected_too(world, three, api_as):
    first, second, third = three
    table = Disclosure._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET channels = %s WHERE id = %s", ['["portal"]', first.pk])  # noqa: S608
    api = api_as(world.a.users[Role.OWNERS_COMMITTEE])
    chain = api.get(f"/api/v1/c/{world.a.community.slug}/disclosures/chain/").json()
    assert chain == {"checked": 3, "ok": False, "altered": [first.pk], "broken": []}
    # Rewriting the stored hash to match hides the edit from that row, but not from the next.
    Disclosure.objects.filter(pk=first.pk).update(
        content_hash=services.disclosure_hash(
            Disclosure.objects.get(pk=first.pk), first.documents.all()
        )
    )
    chain = api.get(f"/api/v1/c/{world.a.community.slug}/disclosures/chain/").json()
    assert chain == {"checked": 3, "ok": False, "altered": [], "broken": [second.pk]}
    # A deleted version breaks the link of the one after it.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [third.pk])  # noqa: S608
    check = selectors.disclosure_chain_check(community=world.a.community)
    assert check.broken == {second.pk}
    detail = api.get(f"/api/v1/c/{world.a.community.slug}/disclosures/{second.pk}/").json()
    assert detail["chain_status"] == "broken"


def test_a_correction_is_a_new_version_and_the_old_one_stays(world, three, page_as):
    first, _second, third = three
    correction = publish(
        world.a,
        "维修资金使用公示（更正）",
        at=datetime.datetime(2025, 7, 5, tzinfo=UTC),
        supersedes=first,
        reason="金额笔误",
    )
    assert (correction.version, correction.supersedes_id, correction.seq) == (2, first.pk, 4)
    assert correction.prev_hash == third.content_hash
    assert Disclosure.objects.get(pk=first.pk).body == "维修资金使用公示：支出 12,800.00 元"
    assert selectors.disclosure_chain_check(community=world.a.community).ok
    assert [v.pk for v in selectors.disclosure_versions(disclosure=first)] == [
        first.pk,
        correction.pk,
    ]
    with pytest.raises(services.ValidationError) as error:
        publish(world.a, "再次更正", at=correction.published_at, supersedes=first, reason="x")
    assert "supersedes" in error.value.message_dict
    with pytest.raises(services.ValidationError) as error:
        publish(world.a, "无理由更正", at=correction.published_at, supersedes=correction)
    assert "correction_reason" in error.value.message_dict
    page = page_as(None).get(f"/p/{world.a.community.slug}/disclosures/{first.pk}/")
    assert [v.pk for v, _s in page.context["versions"]] == [first.pk, correction.pk]
    staff = page_as(world.a.users[Role.COMMITTEE_STAFF])
    response = staff.get(f"/c/{world.a.community.slug}/disclosures/{first.pk}/")
    assert response.context["can_correct"] is False  # corrected already: correct the newest
    assert response.context["object"].corrected_by == correction.pk


def test_publishing_through_the_page_with_a_document(world, page_as):
    client = page_as(world.a.users[Role.PROPERTY_MANAGER])
    response = client.post(
        f"/c/{world.a.community.slug}/disclosures/new/",
        {
            "kind": "property_fee",
            "title": "2025年上半年物业费收支",
            "body": "收入 1,200,000 元；支出 1,150,000 元",
            "period_start": "2025-01-01",
            "period_end": "2025-06-30",
            "channels": ["portal", "wechat_group"],
            "document": SimpleUploadedFile("收支表.xlsx", b"PK fake workbook"),
        },
    )
    disclosure = Disclosure.objects.get(community=world.a.community)
    assert response.status_code == 302 and response["Location"].endswith(
        f"/disclosures/{disclosure.pk}/"
    )
    assert disclosure.channels == ["portal", "wechat_group"]
    assert disclosure.published_by == world.a.users[Role.PROPERTY_MANAGER]
    document = disclosure.documents.get()
    assert (document.name, document.sha256) == (
        "收支表.xlsx",
        hashlib.sha256(b"PK fake workbook").hexdigest(),
    )
    assert not document.file.name.endswith("收支表.xlsx")  # stored under a generated name
    missing = client.post(
        f"/c/{world.a.community.slug}/disclosures/new/", {"kind": "other", "title": "x"}
    )
    assert missing.status_code == 400 and set(missing.context["form"].errors) >= {
        "body",
        "channels",
        "period_start",
    }
    assert Disclosure.objects.filter(community=world.a.community).count() == 1


def test_an_objection_becomes_the_residents_complaint(world, three, page_as, api_as):
    first, second, _third = three
    resident = world.a.users[Role.RESIDENT]
    response = page_as(resident).post(
        f"/c/{world.a.community.slug}/disclosures/{first.pk}/object/",
        {"reason": "电梯维修费用明细不全"},
    )
    assert response.status_code == 302
    objection = DisclosureObjection.objects.get()
    complaint = objection.complaint
    assert (complaint.kind, complaint.status, complaint.submitter, complaint.channel) == (
        TicketKind.COMPLAINT,
        Ticket.Status.SUBMITTED,
        resident,
        Ticket.Channel.WEB,
    )
    assert complaint.description == "电梯维修费用明细不全"
    assert "维修资金使用公示" in complaint.title
    assert complaint.category.code == "disclosure-objection"
    assert complaint.events.get().to_status == Ticket.Status.SUBMITTED
    api = api_as(resident)
    result = api.post(
        f"/api/v1/c/{world.a.community.slug}/disclosures/{second.pk}/object/",
        {"reason": "收入偏低"},
    )
    assert result.status_code == 201
    assert (
        Ticket.objects.filter(community=world.a.community, kind=TicketKind.COMPLAINT).count() == 2
    )
    # An evaluator may read disclosures but not file complaints.
    refused = api_as(world.a.users[Role.EVALUATOR]).post(
        f"/api/v1/c/{world.a.community.slug}/disclosures/{second.pk}/object/", {"reason": "x"}
    )
    assert refused.status_code == 403
