"""List API benchmark: GET /api/v1/c/<slug>/complaints/ (DRF, page of 50 with its count and
counts by status) against the raw-SQL view of bench/views.py returning the same page of 50 with
the same counts (compared field for field before timing), both behind a token, under gunicorn
with production settings on 127.0.0.1 and wrk at 16 connections. Below the target, cProfile
shows where the DRF request spends its time.
"""

import cProfile
import datetime as dt
import io
import json
import os
import pstats
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

from .common import BENCH_DATABASE_URL, django_setup, load_average, report

HOST = "127.0.0.1"
SLUG, TICKETS = "ba-000", 5_000  # 3,500 complaints over two years
SECONDS, CONNECTIONS, THREADS, ROUNDS = 10, 16, 2, 5
TARGET = 0.60
ENV = {
    "DATABASE_URL": BENCH_DATABASE_URL,
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": HOST,
    "SECURE_SSL_REDIRECT": "false",
    "CONN_MAX_AGE": "60",
    "LOG_LEVEL": "WARNING",
}


def main() -> None:
    os.environ.update(ENV)
    django_setup("bench.settings")
    from django.db import connection

    from .data import communities_generate, tickets_count, tickets_generate

    ids = communities_generate("ba", 1)
    if tickets_count(ids) == 0:
        tickets_generate(
            communities=ids,
            total=TICKETS,
            start=dt.datetime(2023, 1, 1, tzinfo=dt.UTC),
            end=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        )
    token = token_for(SLUG)
    with connection.cursor() as cursor:  # statistics of every table, as autovacuum keeps them
        cursor.execute("ANALYZE")
    port = free_port()
    product = f"http://{HOST}:{port}/api/v1/c/{SLUG}/complaints/"
    raw = f"http://{HOST}:{port}/bench/raw/c/{SLUG}/complaints/"
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(os.cpu_count() or 2),
            "--log-level",
            "warning",
        ],
        env={**os.environ, **ENV},
    )
    try:
        wait_for(HOST, port)
        same_page(product, raw, token)
        print(f"load average before: {load_average()}")
        # Alternated rounds, the best of each: a burst of other work on the machine then
        # lowers one round of each side, not one side's only measurement.
        rps_raw, rps_api = 0.0, 0.0
        for _ in range(ROUNDS):
            rps_raw = max(rps_raw, wrk(raw, token))
            rps_api = max(rps_api, wrk(product, token))
        print(f"load average after: {load_average()}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    ratio = rps_api / rps_raw
    verdict = "PASS" if ratio >= TARGET else "MISS"
    print(f"DRF endpoint: {rps_api:.0f} requests/s, raw-SQL view: {rps_raw:.0f} requests/s")
    report(
        "api (complaints list, page of 50, requests/s: DRF vs raw SQL)",
        rps_api,
        rps_raw,
        "req/s",
        f"{100 * ratio:.0f} % of the raw view, target >= {100 * TARGET:.0f} %: {verdict}",
    )
    if ratio < TARGET:
        profile(token)


def token_for(slug: str) -> str:
    """A committee-staff account of the community with an API token (made once)."""
    from rest_framework.authtoken.models import Token

    from community.models import Community, Membership, User

    user, _ = User.objects.get_or_create(username="bench-api")
    Membership.objects.get_or_create(
        user=user,
        community=Community.objects.get(slug=slug),
        role=Membership.Role.COMMITTEE_STAFF,
    )
    return Token.objects.get_or_create(user=user)[0].key


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_for(host: str, port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection((host, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def get(url: str, token: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (127.0.0.1)
        return json.load(response)


def same_page(product: str, raw: str, token: str) -> None:
    """Both answer the same document (the count, the counts by status and the 50 rows, every
    field equal), else the comparison is void."""
    a, b = get(product, token), get(raw, token)
    assert (a["count"], a["counts"]) == (b["count"], b["counts"]), (a, b)
    assert len(a["results"]) == 50
    for mine, theirs in zip(a["results"], b["results"], strict=True):
        assert mine == theirs, (mine, theirs)
    print(f"both return the same 50 of {a['count']:,} complaints, field for field")


def wrk(url: str, token: str) -> float:
    """Requests per second of `url` (wrk, 16 connections); fails on any non-2xx answer."""
    out = subprocess.run(  # noqa: S603
        [  # noqa: S607 (wrk from PATH, installed by run.sh)
            "wrk",
            f"-t{THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{SECONDS}s",
            "--latency",
            "-H",
            f"Authorization: Token {token}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"wrk saw errors from {url}:\n{out}")
    latency = re.search(r"^\s*50%\s+(\S+)", out, re.MULTILINE)[1]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    print(f"{url}: {rps:.0f} requests/s, median latency {latency}")
    return rps


def profile(token: str, requests: int = 200) -> None:
    """Where a DRF list request spends its time (in-process, the same settings)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Token {token}")
    url = f"/api/v1/c/{SLUG}/complaints/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    print(f"queries per DRF request: {len(queries)}")
    for query in queries:
        print(f"  {query['time']} s  {query['sql'][:160]}")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
    print(f"cProfile of {requests} DRF requests, by cumulative time:")
    print(out.getvalue())


if __name__ == "__main__":
    main()
