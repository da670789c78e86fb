"""Upload limits of the community records: one size limit (settings.RECORD_UPLOAD_MAX_MB) and a
type allowlist on every document upload, page and API; imports get the size limit (their type
is the importer's); a refused upload saves nothing and takes nothing away. Free-text survey
answers: at most 2,000 characters."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from community.models import (
    Activity,
    Compound,
    Disclosure,
    EmergencyPlan,
    EmergencyPlanRevision,
    Meeting,
    Membership,
    SurveyAnswer,
    SurveyResponse,
)
from community.records import services
from property_ops.models import Hazard
from tests.records.test_workflows import make_survey

Role = Membership.Role
MB = 1024 * 1024
ALLOWED = "pdf, jpg, jpeg, png, gif, webp, doc, docx, xls, xlsx, ppt, pptx, txt, csv"


@pytest.fixture
def one_mb(settings):
    settings.RECORD_UPLOAD_MAX_MB = 1


def big(name="年报.pdf", size=MB + 1):
    return SimpleUploadedFile(name, b"x" * size)


def disclosure_form(**extra):
    return {
        "kind": "property_fee",
        "title": "2025年上半年物业费收支",
        "body": "收入 1,200,000 元",
        "period_start": "2025-01-01",
        "period_end": "2025-06-30",
        "channels": ["portal"],
        **extra,
    }


def test_the_default_limit_is_20_mb():
    from django.conf import settings

    assert settings.RECORD_UPLOAD_MAX_MB == 20


def test_disclosure_page_refuses_a_large_document_and_keeps_what_was_typed(world, page_as, one_mb):
    client = page_as(world.a.users[Role.COMMITTEE_STAFF])
    url = f"/c/{world.a.community.slug}/disclosures/new/"
    response = client.post(url, disclosure_form(document=big()))
    assert response.status_code == 400
    assert response.context["form"].errors["document"] == ["文件：“年报.pdf”超过 1 MB。"]
    assert "文件：“年报.pdf”超过 1 MB。" in response.content.decode()
    assert "2025年上半年物业费收支" in response.content.decode()  # the typed title is kept
    assert not Disclosure.objects.exists()
    # Exactly the limit is accepted.
    ok = client.post(url, disclosure_form(document=big(size=MB)))
    assert ok.status_code == 302
    assert Disclosure.objects.get().documents.get().name == "年报.pdf"


def test_disclosure_page_refuses_a_type_outside_the_allowlist(world, page_as):
    client = page_as(world.a.users[Role.COMMITTEE_STAFF])
    response = client.post(
        f"/c/{world.a.community.slug}/disclosures/new/",
        disclosure_form(document=SimpleUploadedFile("setup.EXE", b"MZ")),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["document"] == [
        f"文件：“setup.EXE”不是此处接受的文件类型（{ALLOWED}）。"
    ]
    assert not Disclosure.objects.exists()
    # Upper-case extensions of allowed types pass.
    ok = client.post(
        f"/c/{world.a.community.slug}/disclosures/new/",
        disclosure_form(document=SimpleUploadedFile("照片.JPG", b"jpeg")),
    )
    assert ok.status_code == 302


def test_a_refused_correction_leaves_the_published_version_and_its_documents(
    world, page_as, one_mb
):
    staff = world.a.users[Role.COMMITTEE_STAFF]
    first = services.disclosure_publish(
        community=world.a.community,
        user=staff,
        data={
            "kind": "maintenance_fund",
            "title": "维修资金使用公示",
            "body": "支出 12,800.00 元",
            "period_start": datetime.date(2025, 1, 1),
            "period_end": datetime.date(2025, 6, 30),
            "channels": ["portal"],
        },
        uploads=[SimpleUploadedFile("账目.pdf", b"%PDF-1 ledger")],
    )
    response = page_as(staff).post(
        f"/c/{world.a.community.slug}/disclosures/{first.pk}/correct/",
        disclosure_form(correction_reason="金额笔误", document=big("新账目.pdf")),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["document"] == ["文件：“新账目.pdf”超过 1 MB。"]
    assert list(Disclosure.objects.values_list("pk", flat=True)) == [first.pk]
    document = first.documents.get()
    assert document.name == "账目.pdf" and document.file.read() == b"%PDF-1 ledger"


def test_disclosure_api_refuses_each_bad_upload_in_the_users_language(world, api_as):
    staff = world.a.users[Role.COMMITTEE_STAFF]
    staff.language = "en"
    staff.save(update_fields=["language"])
    client = api_as(None)
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        f"/api/v1/c/{world.a.community.slug}/disclosures/",
        disclosure_form(
            uploads=[
                SimpleUploadedFile("账目.pdf", b"%PDF-1"),
                SimpleUploadedFile("run.sh", b"#!/bin/sh"),
            ]
        ),
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["uploads"] == {
        "1": [f"Document: “run.sh” is not a file type accepted here ({ALLOWED})."]
    }
    assert not Disclosure.objects.exists()


def test_meeting_page_refuses_a_large_attachment_and_saves_no_meeting(world, page_as, one_mb):
    response = page_as(world.a.users[Role.COMMITTEE_STAFF]).post(
        f"/c/{world.a.community.slug}/meetings/new/",
        {
            "kind": "joint",
            "title": "三方联席会议",
            "held_at": "2025-09-12T14:30",
            "minutes": "议定两项",
            "attendance-TOTAL_FORMS": "0",
            "attendance-INITIAL_FORMS": "0",
            "topics-TOTAL_FORMS": "0",
            "topics-INITIAL_FORMS": "0",
            "attachment": big("会议纪要.docx"),
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["attachment"] == ["附件：“会议纪要.docx”超过 1 MB。"]
    assert not Meeting.objects.exists()


def test_plan_revision_page_and_api_keep_the_stored_document(world, page_as, api_as, one_mb):
    c = world.a.community
    staff = world.a.users[Role.COMMITTEE_STAFF]
    plan = EmergencyPlan.objects.create(
        community=c, kind="fire", title="消防应急预案", in_force_from=datetime.date(2024, 1, 1)
    )
    page = page_as(staff).post(
        f"/c/{c.slug}/emergency/plans/{plan.pk}/revisions/new/",
        {"version": "v2", "revised_on": "2025-03-01", "document": big("预案.pdf")},
    )
    assert page.status_code == 400
    assert page.context["form"].errors["document"] == ["文件：“预案.pdf”超过 1 MB。"]
    assert not EmergencyPlanRevision.objects.exists()
    api = api_as(staff)
    created = api.post(
        f"/api/v1/c/{c.slug}/plan-revisions/",
        {
            "plan": plan.pk,
            "version": "v1",
            "revised_on": "2025-01-01",
            "document": SimpleUploadedFile("预案.pdf", b"%PDF-1 plan"),
        },
        format="multipart",
    )
    assert created.status_code == 201, created.json()
    revision = EmergencyPlanRevision.objects.get()
    stored = revision.document.name
    refused = api.patch(
        f"/api/v1/c/{c.slug}/plan-revisions/{revision.pk}/",
        {"document": SimpleUploadedFile("预案.exe", b"MZ")},
        format="multipart",
    )
    assert refused.status_code == 400
    assert refused.json()["document"] == [f"文件：“预案.exe”不是此处接受的文件类型（{ALLOWED}）。"]
    revision.refresh_from_db()
    assert revision.document.name == stored and revision.document.read() == b"%PDF-1 plan"


def test_record_imports_refuse_a_large_file_page_and_api(world, page_as, api_as, one_mb):
    slug = world.a.community.slug
    staff = world.a.users[Role.COMMITTEE_STAFF]
    page = page_as(staff).post(
        f"/c/{slug}/records/import/activities/",
        {"file": big("活动.csv"), "commit": "1"},
    )
    assert page.status_code == 400
    assert page.context["error"] == "文件：“活动.csv”超过 1 MB。"
    api = api_as(staff).post(
        f"/api/v1/c/{slug}/records/import/activities/",
        {"file": big("活动.csv"), "dry_run": "false"},
        format="multipart",
    )
    assert api.status_code == 400
    assert api.json()["file"] == ["文件：“活动.csv”超过 1 MB。"]
    assert not Activity.objects.exists()


def test_hazard_import_refuses_a_large_file_page_and_api(world, page_as, api_as, one_mb):
    manager = world.a.users[Role.PROPERTY_MANAGER]
    page = page_as(manager).post(
        "/c/a-community/ops/hazards/import/", {"file": big("台账.xlsx"), "dry_run": ""}
    )
    assert page.status_code == 400
    assert page.context["form"].errors["file"] == ["隐患台账：“台账.xlsx”超过 1 MB。"]
    api = api_as(manager).post(
        "/api/v1/c/a-community/hazards/import/",
        {"file": big("台账.xlsx"), "dry_run": "false"},
        format="multipart",
    )
    assert api.status_code == 400
    assert api.json()["file"] == ["文件：“台账.xlsx”超过 1 MB。"]
    assert not Hazard.objects.exists()


def test_register_import_refuses_a_large_register_or_mapping(world, page_as, one_mb):
    client = page_as(world.a.users[Role.PROPERTY_MANAGER])
    url = f"/c/{world.a.community.slug}/registry/import/"
    register = (
        "楼栋,单元,房号,建筑面积,姓名,电话,与户关系\n8号楼,1单元,101,90,赵敏,13912345678,业主\n"
    )
    large = page_as(world.a.users[Role.PROPERTY_MANAGER]).post(
        url, {"file": big("住户.csv"), "compound": "东区"}
    )
    assert large.status_code == 400
    assert large.context["form"].errors["file"] == ["登记表文件：“住户.csv”超过 1 MB。"]
    assert "不超过 1 MB。" in client.get(url).text  # the help text says the limit
    mapping = client.post(
        url,
        {
            "file": SimpleUploadedFile("住户.csv", register.encode()),
            "compound": "东区",
            "mapping": big("列名.json"),
        },
    )
    assert mapping.status_code == 400
    assert mapping.context["form"].errors["mapping"] == ["列对照（可选）：“列名.json”超过 1 MB。"]
    assert not Compound.objects.filter(community=world.a.community, name="东区").exists()


def test_a_free_text_answer_is_at_most_2000_characters(world, page_as, api_as):
    c = world.a.community
    survey = make_survey(c)
    satisfaction, awareness, wishes, free = list(survey.questions.all())
    answers = {satisfaction.pk: 4, awareness.pk: "yes", wishes.pk: ["充电桩"]}
    resident = world.a.users[Role.RESIDENT]
    refused = api_as(resident).post(
        f"/api/v1/c/{c.slug}/surveys/{survey.pk}/answer/",
        {"answers": {**answers, free.pk: "长" * 2001}},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()[f"q{free.pk}"] == ["回答最多 2,000 个字（此回答 2,001 个字）。"]
    page = page_as(resident).post(
        f"/c/{c.slug}/surveys/{survey.pk}/answer/",
        {
            f"q{satisfaction.pk}": "4",
            f"q{awareness.pk}": "yes",
            f"q{wishes.pk}": ["充电桩"],
            f"q{free.pk}": "长" * 2001,
        },
    )
    assert page.status_code == 400
    assert page.context["answer_form"].errors[f"q{free.pk}"] == [
        "回答最多 2,000 个字（此回答 2,001 个字）。"
    ]
    assert not SurveyResponse.objects.exists()
    accepted = api_as(resident).post(
        f"/api/v1/c/{c.slug}/surveys/{survey.pk}/answer/",
        {"answers": {**answers, free.pk: "长" * 2000}},
        format="json",
    )
    assert accepted.status_code == 201, accepted.json()
    assert len(SurveyAnswer.objects.get(question=free).text) == 2000
