"""Stored values, tasks, beat and the compute_metrics command (issue 5, item 2)."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from reports.metrics import Target
from reports.models import MetricValue
from reports.periods import Period
from reports.selectors import metric_values_latest
from reports.services import metrics_compute, metrics_compute_many, metrics_recompute_request
from reports.tasks import metrics_compute_task, metrics_nightly
from tests import factories

from .conftest import at

H = dt.timedelta(hours=1)
AS_OF = at(2016, 1, 10)


@pytest.fixture
def march(desk):
    t = at(2015, 3, 2, 9, tz="Asia/Shanghai")
    desk.ticket(t, ("accepted", t + H), ("resolved", t + 3 * H))
    desk.ticket(t, ("accepted", t + 2 * H))
    desk.ticket(t, ("rejected", t + H))
    return desk


def stored(community, period, key, as_of=AS_OF):
    return MetricValue.objects.get(community=community, period=period, key=key, as_of=as_of)


def test_compute_stores_every_figure_with_its_counts(march):
    found = metrics_compute(community=march.community, period="2015", as_of=AS_OF)
    assert found["tickets.closure_rate"] == {
        "value": 0.5,
        "numerator": 1,
        "denominator": 2,
        "n": 2,
        "excluded": {},
        "unit": "fraction",
    }
    row = stored(march.community, "2015", "tickets.closure_rate")
    assert (row.value, row.numerator, row.denominator, row.n, row.unit) == (
        0.5,
        1,
        2,
        2,
        "fraction",
    )
    # The COPY leaves created_at and updated_at to the table's default: the time of the store.
    assert row.created_at == row.updated_at
    assert abs(row.created_at - row.computed_at) < dt.timedelta(seconds=5)
    count = stored(march.community, "2015", "tickets.count")
    assert (count.value, count.excluded) == (2, {"rejected": 1})
    assert MetricValue.objects.filter(community=march.community).count() == len(found)


def test_compute_is_an_idempotent_upsert(march):
    metrics_compute(community=march.community, period="2015", as_of=AS_OF)
    rows = MetricValue.objects.count()
    first = stored(march.community, "2015", "tickets.closure_rate").computed_at
    t = at(2015, 3, 3, 9)
    march.ticket(t, ("accepted", t + H), ("resolved", t + 2 * H))  # a correction of the records
    march.ticket(t, category="lift")  # and a category the first run did not see
    # The second run finds its as_of stored (the COPY refused): it updates the rows whose
    # figures changed and inserts the two of the new category.
    metrics_compute(community=march.community, period="2015", as_of=AS_OF)
    assert MetricValue.objects.count() == rows + 2
    rows += 2
    lift = stored(march.community, "2015", "tickets.closure_rate[category=lift]")
    assert (lift.numerator, lift.denominator, lift.computed_at > first) == (0, 1, True)
    closure = stored(march.community, "2015", "tickets.closure_rate")
    assert (closure.value, closure.computed_at > first) == (pytest.approx(2 / 4), True)
    assert closure.updated_at > closure.created_at
    # A figure the correction did not change is not written again.
    unchanged = stored(march.community, "2015", "tickets.ineligible_count")
    assert (unchanged.value, unchanged.computed_at) == (1, first)
    assert unchanged.updated_at == unchanged.created_at
    # Another as_of is another set of rows; the selector reads the newest.
    metrics_compute(community=march.community, period="2015", as_of=at(2015, 3, 2, 3))
    assert MetricValue.objects.count() == 2 * rows - 2  # before the lift ticket was submitted
    latest = metric_values_latest(community=march.community, periods=["2015", "2014"])
    assert set(latest) == {"2015"}
    assert latest["2015"]["tickets.closure_rate"].as_of == AS_OF


def test_task_computes_one_community_and_period(march):
    assert metrics_compute_task.delay(march.community.pk, "2015-03", AS_OF.isoformat()).get() > 20
    assert stored(march.community, "2015-03", "tickets.count").value == 2


def test_nightly_queues_the_current_and_previous_month_of_every_community(march, monkeypatch):
    other = factories.CommunityFactory(slug="metrics-ny", timezone="America/New_York")
    # 1 March 2016, 03:00 in Shanghai is still February in New York.
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2016, 2, 29, 19))
    assert metrics_nightly.delay().get() == 4
    periods = set(MetricValue.objects.values_list("community__slug", "period").distinct())
    assert periods == {
        (march.community.slug, "2016-02"),
        (march.community.slug, "2016-03"),
        (other.slug, "2016-01"),
        (other.slug, "2016-02"),
    }
    schedule = settings.CELERY_BEAT_SCHEDULE["metrics-nightly"]
    assert schedule["task"] == metrics_nightly.name


def test_recompute_on_demand_runs_after_commit(march, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        as_of = metrics_recompute_request(community=march.community, period="2015-03")
    assert len(callbacks) == 1
    assert stored(march.community, "2015-03", "tickets.closure_rate", as_of).value == 0.5


def test_a_few_queries_whatever_the_number_of_tickets(desk, django_assert_max_num_queries):
    t = at(2015, 3, 2, 9)
    for n in range(60):
        desk.ticket(t, ("accepted", t + H), ("resolved", t + (n + 2) * H), ("rate", t + 90 * H, 4))
    # Two savepoints and their releases, SET jit, SET work_mem, the statement, households,
    # category codes, the lock, the COPY's savepoint and its release (the COPY goes
    # uncounted); one statement for each other dimension (environment, safety, governance,
    # participation, team) and the households of the burglary rate.
    with django_assert_max_num_queries(18):
        metrics_compute(community=desk.community, period="2015", as_of=AS_OF)


def test_command_prints_json_with_the_metrics_keys(march):
    out = StringIO()
    call_command(
        "compute_metrics",
        "--community",
        march.community.slug,
        "--period",
        "2015",
        "--as-of",
        "2016-01-10T08:00:00",  # naive: read in the community's time zone (00:00 UTC)
        "--json",
        stdout=out,
    )
    printed = json.loads(out.getvalue())
    assert printed["tickets.closure_rate"] == {
        "value": 0.5,
        "numerator": 1,
        "denominator": 2,
        "n": 2,
        "excluded": {},
    }
    assert {
        "tickets.count",
        "tickets.response_minutes.p90",
        "complaints.per_100_households",
    } <= set(printed)
    assert stored(march.community, "2015", "tickets.count").value == 2


def test_command_prints_a_table(march):
    out = StringIO()
    call_command(
        "compute_metrics", "--community", march.community.slug, "--period", "2015-Q1", stdout=out
    )
    line = next(x for x in out.getvalue().splitlines() if "(tickets.closure_rate)" in x)
    assert "50.0 %" in line.split("(tickets.closure_rate)")[1]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--community", "nowhere", "--period", "2015"], "community"),
        (["--community", "metrics-a", "--period", "2015-13"], "period"),
        (["--community", "metrics-a", "--period", "2015", "--as-of", "soon"], "as-of"),
    ],
)
def test_command_names_the_bad_argument(desk, arguments, message):
    with pytest.raises(CommandError, match=f"^{message}"):
        call_command("compute_metrics", *arguments, stdout=StringIO())
    assert not MetricValue.objects.exists()


def test_stored_values_keep_every_character_and_number(desk):
    # A reason code with quotes, a backslash, a comma, braces and Chinese travels intact (the
    # PostgreSQL upsert sends array literals), and so do fractions and empty values.
    t = at(2015, 3, 2, 9)
    odd = 'import "旧系统", {a\\b}'
    desk.ticket(t, ("resolved", t, "import"), flags=(odd,), exclude=True)
    desk.ticket(t, ("accepted", t + H), ("resolved", t + 3 * H))
    desk.ticket(t, ("accepted", t + 2 * H))
    found = metrics_compute(community=desk.community, period="2015-03", as_of=AS_OF)
    resolution = stored(desk.community, "2015-03", "tickets.resolution_hours.median")
    assert resolution.excluded == {odd: 1} == found["tickets.resolution_hours.median"]["excluded"]
    assert (resolution.value, resolution.n, resolution.unit) == (3.0, 1, "hours")
    closure = stored(desk.community, "2015-03", "tickets.closure_rate")
    assert (closure.value, closure.numerator, closure.denominator) == (2 / 3, 2, 3)
    none = stored(desk.community, "2015-03", "tickets.satisfaction_rate")
    assert (none.value, none.numerator, none.denominator, none.n) == (None, 0, 0, 0)
    fields = ("value", "numerator", "denominator", "n", "excluded", "unit")
    rows = MetricValue.objects.filter(community=desk.community)
    assert {row.key: tuple(getattr(row, f) for f in fields) for row in rows} == {
        key: tuple(figure[f] for f in fields) for key, figure in found.items()
    }


def test_a_community_id_beyond_32_bits_is_stored(march):
    """The store's advisory lock hashes the bigint id into its int key (reports/services.py),
    alone and beside another community in one batch."""
    big = factories.CommunityFactory(id=3_000_000_000)
    metrics_compute(community=big, period="2015", as_of=AS_OF)
    year = Period.parse("2015")
    metrics_compute_many(targets=[Target(big, year), Target(march.community, year)], as_of=AS_OF)
    assert stored(big, "2015", "tickets.count").value == 0
    assert stored(march.community, "2015", "tickets.count").value == 2  # one of 3 rejected


def test_a_row_the_table_refuses_raises_djangos_error_and_stores_nothing(march):
    """Only a row already stored under the same as_of sends the store to its upsert; any other
    refusal (here n < 0, against the table's check) is Django's IntegrityError, as from any
    other statement, and leaves no row."""
    from django.db import IntegrityError, transaction

    from reports.metrics import Figure
    from reports.services import _metric_values_store

    year = Target(march.community, Period.parse("2015"))
    found = {year: {"tickets.count": Figure(value=1, unit="count", n=-1)}}
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        _metric_values_store(iter(found.items()), as_of=AS_OF, computed_at=AS_OF)
    assert "reports_metricvalue_n_check" in str(refused.value)
    assert not MetricValue.objects.exists()


def test_a_community_that_does_not_exist_is_refused_and_nothing_is_stored(march):
    """The table has no foreign-key constraint; the store makes its check, once per community,
    and raises the IntegrityError the constraint would have raised."""
    from django.db import IntegrityError, transaction

    ghost = factories.CommunityFactory.build(id=987_654_321)
    year = Period.parse("2015")
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        metrics_compute_many(targets=[Target(march.community, year), Target(ghost, year)])
    assert "no community with id [987654321]" in str(refused.value)
    assert not MetricValue.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_store_locks_its_communities_as_a_foreign_key_would(desk):
    """Until the store commits, another session can rename the community (no key change) but
    can neither change its id nor delete it: the FOR KEY SHARE lock a foreign-key check takes."""
    import psycopg2
    from django.db import connection, transaction

    community = desk.community
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with transaction.atomic():
            metrics_compute(community=community, period="2015", as_of=AS_OF)
            with other.cursor() as cursor:
                cursor.execute("SET lock_timeout = '300ms'")
                cursor.execute(
                    "UPDATE community_community SET name = 'renamed' WHERE id = %s", [community.pk]
                )
                other.commit()
                for statement in (
                    "UPDATE community_community SET id = id + 1000000 WHERE id = %s",
                    "DELETE FROM community_community WHERE id = %s",
                ):
                    with pytest.raises(psycopg2.errors.LockNotAvailable):
                        cursor.execute(statement, [community.pk])
                    other.rollback()
                    cursor.execute("SET lock_timeout = '300ms'")
    finally:
        other.close()
    community.refresh_from_db()
    assert community.name == "renamed"
    assert MetricValue.objects.filter(community=community, period="2015").count() > 20


def test_every_query_runs_before_the_figures_are_read(
    march, django_assert_num_queries, django_assert_max_num_queries
):
    """The store COPYs each target's figures while the next are built (reports.metrics.base,
    Figures): once figures_iterate returns, reading the figures must not query, since the
    connection is then busy with the COPY. A dimension written as a generator function would
    run its queries as the figures are read, and fail here."""
    from community.models import Community
    from reports.metrics import figures_iterate

    # A community loaded without the fields the figures read (records_since, ...) too.
    community = Community.objects.only("id", "timezone").get(pk=march.community.pk)
    targets = [Target(community, Period.parse(p)) for p in ("2015", "2015-03", "2015-Q1")]
    with django_assert_max_num_queries(30):
        figures = figures_iterate(targets=targets, as_of=AS_OF)
    with django_assert_num_queries(0):
        found = dict(figures)
    assert list(found) == targets
    assert found[targets[1]]["tickets.count"].value == 2
    assert found[targets[0]]["governance.joint_meetings_count[quarter=2015-Q1]"].value == 0


def test_no_targets_store_nothing(desk):
    assert metrics_compute_many(targets=[], as_of=AS_OF) == {}
    assert not MetricValue.objects.exists()


def test_a_failure_while_figures_are_built_is_raised_as_itself_and_stores_nothing(
    march, monkeypatch
):
    """The figures of each target are built as the COPY reads them. An error there is raised
    as itself (not as the failed COPY), also when the COPY met rows of the same as_of and would
    go on to its upsert: the retry must not store the targets built before the error."""
    from reports.metrics import governance

    months = [Target(march.community, Period.parse(f"2015-{m:02d}")) for m in (1, 2, 3)]
    metrics_compute_many(targets=months[:1], as_of=AS_OF)  # the as_of is stored: a retry
    stored_before = MetricValue.objects.count()
    build = governance._figures

    def fails_on_march(found):
        if fails_on_march.calls == 2:
            raise ZeroDivisionError("planted")
        fails_on_march.calls += 1
        return build(found)

    fails_on_march.calls = 0
    monkeypatch.setattr(governance, "_figures", fails_on_march)
    for as_of in (AS_OF, AS_OF + H):  # the upsert's path, then the plain COPY's
        fails_on_march.calls = 0
        with pytest.raises(ZeroDivisionError, match="planted"):
            metrics_compute_many(targets=months, as_of=as_of)
        assert MetricValue.objects.count() == stored_before


def _in_thread(function):
    """Run `function` on a connection of its own; returns (thread, errors)."""
    import threading

    from django.db import connection

    errors = []

    def run():
        try:
            function()
        except Exception as exc:  # reported to the test
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("retry", [False, True])
def test_a_community_deleted_during_a_run_takes_the_runs_values_with_it(desk, retry):
    """The delete (of a community without tickets: those protect it) waits for the run's lock;
    once the run commits, the trigger on the community table deletes every value of the
    community, those the run stored included (no orphans), and the two never wait for each
    other, also when the run rewrites a stored as_of (a retry)."""
    import time

    from django.db import transaction

    from community.models import Community

    community = desk.community
    if retry:
        metrics_compute(community=community, period="2015", as_of=AS_OF)
    with transaction.atomic():
        metrics_compute(community=community, period="2015-03", as_of=AS_OF)
        thread, errors = _in_thread(lambda: Community.objects.get(pk=community.pk).delete())
        time.sleep(0.5)  # the delete is waiting for this transaction's lock
        assert (thread.is_alive(), errors) == (True, [])
        metrics_compute(community=community, period="2015", as_of=AS_OF)
        assert MetricValue.objects.filter(community_id=community.pk).count() > 40
    thread.join(timeout=30)
    assert (thread.is_alive(), errors) == (False, [])
    assert not Community.objects.filter(pk=community.pk).exists()
    assert not MetricValue.objects.filter(community_id=community.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_community_with_values_cannot_change_its_id(march):
    """As the foreign key refused it, the trigger refuses a new id while values refer to the
    old one; without values the id may change."""
    from django.db import IntegrityError, connection

    from community.models import Community

    metrics_compute(community=march.community, period="2015", as_of=AS_OF)
    rekey = "UPDATE community_community SET id = id + 1000000 WHERE id = %s"
    with pytest.raises(IntegrityError, match="has metric values"), connection.cursor() as c:
        c.execute(rekey, [march.community.pk])
    assert Community.objects.filter(pk=march.community.pk).exists()
    other = factories.CommunityFactory()
    with connection.cursor() as c:
        c.execute(rekey, [other.pk])
    assert Community.objects.filter(pk=other.pk + 1_000_000).exists()
