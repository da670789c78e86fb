"""Rendering as a job, finalising, and a correction after finalisation (METRICS.md, Rules).

Each finalisation renders a PDF (about a second): two here, one for the command."""

import hashlib
import subprocess

from django.core.management import call_command
from django.urls import reverse

from community.models import Membership
from reports.models import AnnualReview, AnnualReviewVersion
from tests.reports.conftest import at
from tests.review.conftest import SH, YEAR
from tickets.models import Ticket, TicketEvent

STAFF = Membership.Role.COMMITTEE_STAFF


def url(name, community, **kwargs):
    return reverse(f"reports:{name}", kwargs={"slug": community.slug, "year": YEAR, **kwargs})


def finalise(client, community, capture):
    with capture(execute=True):  # the job runs after commit (in-process in tests)
        response = client.post(url("review-finalise", community))
    assert response.status_code == 302


def test_finalise_freezes_the_pdf_and_a_correction_makes_a_version_listing_what_changed(
    review_world, page_as, django_capture_on_commit_callbacks
):
    a = review_world.a
    client = page_as(a.users[STAFF])
    finalise(client, a.community, django_capture_on_commit_callbacks)

    first = AnnualReviewVersion.objects.get(community=a.community, number=1)
    stored = bytes(first.pdf)
    assert first.sha256 == hashlib.sha256(stored).hexdigest()
    assert first.changes == [] and first.finalised_by == a.users[STAFF]
    assert first.figures["figures"]["tickets.closure_rate"]["value"] == 5 / 8
    served = client.get(url("review-version-pdf", a.community, number=1))
    assert served["Content-Type"] == "application/pdf"
    assert hashlib.sha256(served.content).hexdigest() == first.sha256
    assert served["ETag"] == f'"{first.sha256}"'
    status = client.get(url("review-status", a.community)).json()
    assert status | {"draft_generated_at": None} == {
        "status": "done",
        "label": "已完成",
        "progress": 100,
        "error": "",
        "finalise": True,
        "draft_generated_at": None,
        "versions": 1,
    }

    # A correction: one of the open complaints of 2015 was in fact resolved.
    ticket = Ticket.objects.filter(
        community=a.community, submitted_at__gte=at(YEAR, 8, 1), submitted_at__lt=at(YEAR, 9, 1)
    ).get()  # the sixth complaint of the fixture, accepted and never resolved
    TicketEvent.objects.create(
        community=a.community,
        ticket=ticket,
        kind="transition",
        from_status="accepted",
        to_status="resolved",
        actor_kind="staff",
        at=at(YEAR, 12, 20, 10, tz=SH),
    )
    finalise(client, a.community, django_capture_on_commit_callbacks)

    second = AnnualReviewVersion.objects.get(community=a.community, number=2)
    changed = {c["key"]: (c["old"], c["new"]) for c in second.changes}
    assert changed["tickets.closure_rate"] == (5 / 8, 6 / 8)
    assert "tech.online_submission_rate" not in changed
    # The first version is served exactly as it was stored, never re-rendered.
    again = client.get(url("review-version-pdf", a.community, number=1))
    assert again.content == stored
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=bytes(second.pdf),
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "与上一版本相比变更的指标" in text and "62.5 %" in text and "75.0 %" in text
    page = client.get(url("review", a.community)).content.decode()
    assert "办结率: 62.5 % → 75.0 %" in page


def test_render_job_stores_a_draft_and_a_second_request_while_running_is_refused(
    review_world, page_as, django_capture_on_commit_callbacks
):
    a = review_world.a
    client = page_as(a.users[STAFF])
    AnnualReview.objects.create(
        community=a.community, year=YEAR, job_status="running", job_updated_at=at(2100, 1, 1)
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url("review-render", a.community), follow=True)
    assert callbacks == []
    assert "本总结正在生成中，请等待完成。" in response.content.decode()

    AnnualReview.objects.filter(community=a.community).update(job_status="failed")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("review-render", a.community))
    review = AnnualReview.objects.get(community=a.community, year=YEAR)
    assert (review.job_status, review.job_progress, review.job_finalise) == ("done", 100, False)
    draft = client.get(url("review-pdf", a.community))
    assert draft.content == bytes(review.draft_pdf) and draft.content.startswith(b"%PDF")
    assert not AnnualReviewVersion.objects.filter(community=a.community).exists()


def render(review_world, tmp_path, **options) -> bytes:
    """The PDF render_annual_review writes for community a's review of YEAR."""
    output = tmp_path / "review.pdf"
    call_command(
        "render_annual_review",
        community=review_world.a.community.slug,
        year=YEAR,
        output=str(output),
        **options,
    )
    return output.read_bytes()


def test_render_annual_review_command_writes_the_pdf_and_prints_its_sha256(
    review_world, tmp_path, capsys
):
    body = render(review_world, tmp_path)
    printed = capsys.readouterr().out
    assert f"SHA-256 {hashlib.sha256(body).hexdigest()}" in printed
    assert "计算指标" in printed and " 秒（" in printed


def test_render_annual_review_command_in_english_writes_no_chinese_label(
    review_world, tmp_path, capsys
):
    """--language en: the figures' labels, units and dimension titles are English too, not only
    the PDF's own headings (the data used to be built in the default language)."""
    from .test_pdf import pdf_text

    text = pdf_text(render(review_world, tmp_path, language="en"))
    assert "Service quality" in text and "Closure rate" in text
    for chinese in ("办结率", "服务质量", "分钟", "暂无数据", "一月"):
        assert chinese not in text
    assert "计算指标" in capsys.readouterr().out  # the console keeps the site's language
