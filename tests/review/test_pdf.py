"""The PDF: text through pdftotext, staff text inert, nothing fetched but the app's static files.

Rendering costs about a second, so the review is rendered once here."""

import itertools
import subprocess
from pathlib import Path

import pytest
from weasyprint import HTML

from reports.review import pdf, selectors, services
from tests.review.conftest import YEAR

HEADINGS = ["服务质量与环境", "治理与居民参与", "应急管理与风险防范", "队伍建设与科技应用"]
HOSTILE = (
    "<script>alert(1)</script>\n"
    '<img src="file:///etc/passwd">\n'
    '<link rel="stylesheet" href="http://127.0.0.1:9/steal.css">'
)
ROOT = Path(__file__).resolve().parents[2]
PRINT_CSS = f"{pdf.ORIGIN}/static/reports/review/print.css"


def pdf_text(body: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=body, capture_output=True, check=True
    ).stdout.decode()


def test_pdf_text_has_the_name_the_four_dimensions_and_a_figure_of_each(review_world):
    community = review_world.a.community
    services.annual_review_sections_update(
        community=community,
        year=YEAR,
        user=review_world.a.users["committee_staff"],
        highlights=HOSTILE,
        challenges="第一行\n第二行",
        plans="",
    )
    services.review_figures_compute(community=community, year=YEAR)
    review = selectors.annual_review_get(community=community, year=YEAR)
    data = selectors.review_data(community=community, year=YEAR, review=review)
    fetcher = pdf.StaticOnlyFetcher()

    text = pdf_text(pdf.review_pdf(data, fetcher=fetcher, language="zh-hans"))

    assert "a社区" in text and f"{YEAR}" in text
    # The sections in order, after the table of contents (which names them first).
    starts = [text.rindex(heading) for heading in HEADINGS] + [text.rindex("数据中发现的问题")]
    assert starts == sorted(starts)
    service, governance, emergency, team = (text[a:b] for a, b in itertools.pairwise(starts))
    # Counted by hand from the fixture's rows (tests/review/conftest.py).
    assert f"{5 / 8 * 100:.1f} %" in service  # closure rate 62.5 %
    assert f"{1 / 2 * 100:.1f} %" in service  # last year 50.0 %
    assert f"+{(5 / 8 - 1 / 2) * 100:.1f}" in service  # change +12.5 points
    assert f"{2 / 3 * 100:.1f} %" in governance  # topic resolution 66.7 %
    assert "第三季度联席会议" in governance
    assert f"{(6 + 20) / 2:.1f}" in emergency  # incident response median 13.0 min
    assert "消防疏散演练" in emergency
    assert f"{3 / 8 * 100:.1f} %" in team  # online submission 37.5 %
    # Staff text shows literally; its URLs never reached the fetcher.
    assert "<script>alert(1)</script>" in text
    assert '<img src="file:///etc/passwd">' in text
    assert "第一行\n第二行" in text
    assert fetcher.served == [PRINT_CSS]
    assert fetcher.refused == []


def test_the_engine_fetches_only_through_the_fetcher_which_refuses_all_but_static_files():
    fetcher = pdf.StaticOnlyFetcher()
    live = (
        '<link rel="stylesheet" href="http://127.0.0.1:9/steal.css">'
        '<img src="file:///etc/passwd"><img src="data:image/png;base64,iVBORw0KGgo=">'
        '<img src="/static/../../../etc/passwd"><img src="/media/secret.png">'
        '<link rel="stylesheet" href="/static/reports/review/print.css">'
    )
    HTML(string=live, base_url=f"{pdf.ORIGIN}/", url_fetcher=fetcher).write_pdf()

    assert fetcher.served == [PRINT_CSS]
    assert sorted(fetcher.refused) == sorted(
        [
            "http://127.0.0.1:9/steal.css",
            "file:///etc/passwd",
            "data:image/png;base64,iVBORw0KGgo=",
            f"{pdf.ORIGIN}/etc/passwd",  # the dots resolve before fetching: outside /static/
            f"{pdf.ORIGIN}/media/secret.png",
        ]
    )


@pytest.mark.parametrize(
    "url",
    [
        f"{pdf.ORIGIN}/static/../config/settings/base.py",
        f"{pdf.ORIGIN}/static/%2e%2e/config/settings/base.py",
        f"{pdf.ORIGIN}/static//etc/passwd",
        f"{pdf.ORIGIN}/static/reports/review/missing.css",
        "https://example.com/static/reports/review/print.css",
        "file:///work/main/static/css/gongzhi.css",
    ],
)
def test_fetcher_refuses_paths_outside_the_static_roots(url):
    fetcher = pdf.StaticOnlyFetcher()
    with pytest.raises(pdf.FetchRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_no_table_row_is_stranded_alone_at_a_page_top():
    """Tables of 30 to 59 rows after a heading: whatever the length, no page holds a single
    row of the table (print.css keeps the last row with the one before, the first with the
    header)."""
    css = (ROOT / "reports/static/reports/review/print.css").read_text()
    for rows in range(30, 60):
        body = "".join(f"<tr><th>r{i:03d}x</th><td class='num'>{i}</td></tr>" for i in range(rows))
        html = (
            f"<style>{css}</style><h2>T</h2><p style='height: {rows * 2}mm'></p>"
            f"<h4>R</h4><table class='records'><thead><tr><th>H</th><th>V</th></tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )
        pages = pdf_text(HTML(string=html).write_pdf()).split("\f")
        per_page = [page.count("x\n") + page.count("x ") for page in pages if page.strip()]
        assert 1 not in per_page, (rows, per_page)


def test_every_instant_of_the_pdf_and_the_page_is_in_the_communitys_zone(review_world, page_as):
    """A Boston community, rendered on a server in Shanghai: the PDF's generation instant and
    its as_of read in New York time with the zone named, as on the page. 2016-02-01 04:00 UTC
    is 2016-01-31 23:00 in New York (EST, UTC-05:00) and 12:00 in Shanghai."""
    import datetime as dt

    from django.urls import reverse
    from django.utils import timezone, translation

    from community.models import timezone_label
    from reports.models import MetricValue

    community = review_world.a.community
    community.timezone = "America/New_York"
    community.save(update_fields=["timezone"])
    instant = dt.datetime(2016, 2, 1, 4, 0, tzinfo=dt.UTC)
    services.review_figures_compute(community=community, year=YEAR)
    MetricValue.objects.filter(community=community).update(as_of=instant)
    review = selectors.annual_review_get(community=community, year=YEAR)
    data = selectors.review_data(community=community, year=YEAR, review=review)
    with translation.override("zh-hans"), timezone.override("Asia/Shanghai"):
        zone = timezone_label("America/New_York")
        html = pdf.review_html(data, generated_at=instant)
        page = page_as(review_world.a.users["committee_staff"]).get(
            reverse("reports:review", kwargs={"slug": community.slug, "year": YEAR})
        )
    assert zone.startswith("America/New_York（UTC-0")
    assert "2016-02-01 12:00" not in html
    assert html.count(f"2016-01-31 23:00 {zone}") == 2  # generated on, figures as of
    assert f"2016-01-31 23:00 {zone}" in page.content.decode()
