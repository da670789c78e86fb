"""PDF benchmark: `manage.py render_annual_review` of a community-year with 50,000 generated
tickets against the review of the same community for a year without tickets (the baseline),
each rendered in its own process, which reports its wall time and peak RSS. The first render
of a year computes its figures; the second reads them stored: both are printed.
"""

import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
import zoneinfo
from pathlib import Path

from .common import django_setup, load_average, peak_rss_mb, report

SLUG, TICKETS, YEAR, EMPTY_YEAR = "bp-000", 50_000, 2025, 2023
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
TARGET_SECONDS, TARGET_MB = 6.0, 300


def main() -> None:
    django_setup()
    from .data import communities_generate, tickets_count, tickets_generate

    ids = communities_generate("bp", 1)
    if tickets_count(ids) != TICKETS:
        assert tickets_count(ids) == 0, "partial bench data: drop the gongzhi_bench database"
        tickets_generate(
            communities=ids,
            total=TICKETS,
            start=dt.datetime(YEAR, 1, 1, tzinfo=TZ),
            end=dt.datetime(YEAR + 1, 1, 1, tzinfo=TZ),
        )
    clear_figures(ids[0])
    print(f"load average before: {load_average()}")
    empty = render(EMPTY_YEAR)
    first = render(YEAR)
    stored = render(YEAR)
    print(f"load average after: {load_average()}")
    for name, run in (
        ("empty year", empty),
        ("50k, figures computed", first),
        ("50k, figures stored", stored),
    ):
        print(
            f"{name}: {run['seconds']:.2f} s, peak RSS {run['rss_mb']:.0f} MB;"
            f" {run['output'].strip().splitlines()[0]}"
        )
    print(f"HarfBuzz subset library (libharfbuzz-subset) loaded: {first['harfbuzz_subset']}")
    for name, run in (("figures computed", first), ("figures stored", stored)):
        ok = run["seconds"] < TARGET_SECONDS and run["rss_mb"] < TARGET_MB
        report(
            f"pdf ({TICKETS:,} tickets, {name}: render time vs empty review)",
            run["seconds"],
            empty["seconds"],
            "s",
            f"peak RSS {run['rss_mb']:.0f} MB vs {empty['rss_mb']:.0f} MB;"
            f" target < {TARGET_SECONDS:.0f} s and < {TARGET_MB} MB: {'PASS' if ok else 'MISS'}",
        )


def clear_figures(community_id: int) -> None:
    """The first render must compute the figures: forget stored ones of an earlier run."""
    from reports.models import MetricValue

    MetricValue.objects.filter(community_id=community_id).delete()


def render(year: int) -> dict:
    """Run one render in a child process (`python -m bench.pdf YEAR`); its measurements."""
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.pdf", str(year)], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def child(year: int) -> None:
    """In the child: render, then print {seconds, rss_mb, harfbuzz_subset, output} as JSON."""
    import io

    django_setup()
    from django.core.management import call_command

    output = Path(tempfile.gettempdir()) / f"gongzhi_bench_review_{year}.pdf"
    text = io.StringIO()
    start = time.perf_counter()
    call_command("render_annual_review", community=SLUG, year=year, output=str(output), stdout=text)
    seconds = time.perf_counter() - start
    maps = Path("/proc/self/maps").read_text()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rss_mb": peak_rss_mb(),
                "harfbuzz_subset": "libharfbuzz-subset" in maps,
                "output": text.getvalue(),
            }
        )
    )


if __name__ == "__main__":
    if len(sys.argv) > 1:
        child(int(sys.argv[1]))
    else:
        main()
