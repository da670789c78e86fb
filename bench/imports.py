"""Import benchmark: 100,000 rows through `manage.py import_service_requests` (fresh tickets)
against a plain COPY of the same CSV into a scratch table, in the same run.

The rows are the real LA 311 2018 export (../shared/data) ten times over, each copy with its
source ids made unique (`1-870704814` -> `1-870704814-3`). CPU seconds of the importer and of
its PostgreSQL backend are printed too: on a shared machine they vary less than wall time.
"""

import csv
import io
import os
import resource
import tempfile
import time
from pathlib import Path

from .common import django_setup, load_average, peak_rss_mb, report

COPIES = 10
SOURCE = "la311/la311_2018-01-01_to_04_mini.csv"
MAPPING = "tickets/mappings/la311_2018.toml"
OFFICE = "Bench import office"
TARGET = 5_000  # rows per second


def main() -> None:
    django_setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    source = settings.BASE_DIR.parent / "shared" / "data" / SOURCE
    path = Path(tempfile.gettempdir()) / "gongzhi_bench_import_100k.csv"
    rows = make_file(source, path)
    clear_previous()

    print(f"load average before: {load_average()}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    cpu_backend, cpu_self = backend_cpu(backend), process_cpu()
    start = time.perf_counter()
    out = io.StringIO()
    call_command(
        "import_service_requests",
        str(path),
        mapping=str(settings.BASE_DIR / MAPPING),
        street_office=OFFICE,
        json=True,
        stdout=out,
    )
    t_import = time.perf_counter() - start
    cpu_self, cpu_backend = process_cpu() - cpu_self, backend_cpu(backend) - cpu_backend
    t_copy = copy_baseline(path)
    print(f"load average after: {load_average()}")
    print(f"importer summary: {out.getvalue()[:400].replace(chr(10), ' ')} ...")
    print(
        f"import: {rows:,} rows in {t_import:.1f} s; CPU {cpu_self:.1f} s importer +"
        f" {cpu_backend:.1f} s PostgreSQL = {rows / (cpu_self + cpu_backend):,.0f} rows per"
        f" CPU-second; peak RSS {peak_rss_mb():.0f} MB"
    )
    print(f"COPY of the same file into a scratch table: {t_copy:.2f} s")
    rate, copy_rate = rows / t_import, rows / t_copy
    report(
        f"import ({rows:,} rows, rows/s: import_service_requests vs plain COPY)",
        rate,
        copy_rate,
        "rows/s",
        f"target >= {TARGET:,} rows/s: {'PASS' if rate >= TARGET else 'MISS'}",
    )


def make_file(source: Path, path: Path) -> int:
    """The source rows COPIES times, ids made unique; returns the number of rows written."""
    with source.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header, body = next(reader), list(reader)
    id_column = header.index("SRNumber")
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for copy in range(COPIES):
            for row in body:
                row = list(row)
                row[id_column] = f"{row[id_column]}-{copy}"
                writer.writerow(row)
    return COPIES * len(body)


def clear_previous() -> None:
    """The import must create its tickets: remove those of an earlier run (plain SQL)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id FROM community_community c JOIN community_organisation o"
            " ON o.id = c.street_office_id WHERE o.name = %s",
            [OFFICE],
        )
        ids = [row[0] for row in cursor.fetchall()]
        for table in ("tickets_ticketevent", "tickets_ticket", "tickets_category"):
            cursor.execute(f"DELETE FROM {table} WHERE community_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM community_community WHERE id = ANY(%s)", [ids])


def copy_baseline(path: Path) -> float:
    """Seconds to COPY the CSV (every column as text) into a scratch table."""
    from django.db import connection, transaction

    with path.open(newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    columns = ", ".join(f'"{name}" text' for name in header)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE scratch ({columns}) ON COMMIT DROP")
        start = time.perf_counter()
        with path.open(encoding="utf-8") as fh:
            cursor.copy_expert("COPY scratch FROM STDIN WITH (FORMAT csv, HEADER true)", fh)
        seconds = time.perf_counter() - start
        cursor.execute("SELECT count(*) FROM scratch")
        assert cursor.fetchone()[0] == COPIES * 10_000
    return seconds


def process_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def backend_cpu(pid: int) -> float:
    """User + system CPU seconds of a local PostgreSQL backend (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
