"""Shared by the benchmarks: Django on the bench database, timing and the report lines."""

import os
import resource
import time
from contextlib import contextmanager

BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/gongzhi_bench"


def django_setup(settings: str = "config.settings.base") -> None:
    """Django on the dedicated bench database (never the development one)."""
    os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    os.environ.pop("REDIS_URL", None)  # Celery tasks run in-process
    import django

    django.setup()


@contextmanager
def timed(into: dict, name: str):
    start = time.perf_counter()
    yield
    into[name] = time.perf_counter() - start


def peak_rss_mb() -> float:
    """Peak resident set size of this process, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(name: str, measured: float, baseline: float, unit: str, verdict: str) -> None:
    """One result line: the ratio against the baseline of the same run, and the numbers."""
    print(
        f"RESULT {name}: {measured:.3f} {unit} vs baseline {baseline:.3f} {unit}"
        f" = {measured / baseline:.2f}x; {verdict}",
        flush=True,
    )


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())
