"""Mapping files and the management command: clear errors naming the key or column, the summary
as text and as JSON."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests import factories
from tickets.importing import MappingError, SourceError, load_mapping, service_requests_import
from tickets.importing.rows import FLAGS, REASONS
from tickets.models import Ticket

from .conftest import MAPPINGS

SHIPPED = sorted(MAPPINGS.glob("*.toml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_mapping_loads(path):
    mapping = load_mapping(path)
    assert mapping.fallback_category in mapping.categories
    assert all(c.name for c in mapping.categories.values())


def test_one_mapping_per_real_format():
    assert {p.name for p in SHIPPED} == {
        "la311_2020.toml",
        "la311_2018.toml",
        "sf311.toml",
        "boston311.toml",
        "nyc311.toml",
        "portal.toml",
    }


def test_the_2018_layout_extends_the_2020_one():
    old, new = (
        load_mapping(MAPPINGS / "la311_2018.toml"),
        load_mapping(MAPPINGS / "la311_2020.toml"),
    )
    assert old.statuses == new.statuses and old.categories == new.categories
    assert (old.columns["external_id"], new.columns["external_id"]) == ("SRNumber", "srnumber")
    assert old.date_formats == ("%m/%d/%Y %I:%M:%S %p",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[statuses]\n"Done" = "reopened"\n', "statuses.Done"),
        ('[statuses]\n"Done" = "finished"\n', "statuses.Done"),
        ('[channels]\n"WeChat" = "wechat"\n', "channels.WeChat"),
        ('timezone = "Mars/Olympus"\n', "timezone"),
        ('encoding = "klingon"\n', "encoding"),
        ('fallback_category = "nope"\n', "fallback_category"),
        ('[columns]\nexternal_id = "id"\n', "columns.created"),
        (
            '[categories.bad]\nname_zh = "坏"\nkind = "ticket"\n'
            'responsible_party = "outside_body"\n',
            "categories.bad.kind",
        ),
        (
            '[categories.lift]\nname_zh = "电梯"\nkind = "work_order"\n'
            'responsible_party = "property_company"\nsource_types = ["elevator"]\n'
            '[categories.other]\nname_zh = "其他"\nkind = "complaint"\n'
            'responsible_party = "outside_body"\nsource_types = ["elevator"]\n',
            "categories.other.source_types",
        ),
    ],
)
def test_a_bad_mapping_names_the_key(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    (tmp_path / "portal.toml").write_text((MAPPINGS / "portal.toml").read_text())
    path.write_text('extends = "portal.toml"\n' + text)
    with pytest.raises(MappingError, match=message.replace(".", r"\.")):
        load_mapping(path)


@pytest.mark.django_db
def test_a_missing_column_is_named(tmp_path, portal_mapping):
    community = factories.CommunityFactory()
    path = tmp_path / "x.csv"
    path.write_text("external_id,submitted_at,category\nA,2024-01-01 08:00,other\n")
    with pytest.raises(SourceError, match="“status”"):
        service_requests_import(path=path, mapping=portal_mapping, community=community)


def test_every_flag_and_reason_is_described():
    assert set(FLAGS) >= {
        "closed_without_close_time",
        "close_time_on_open_ticket",
        "clock_skew",
        "negative_duration",
        "ambiguous_time",
        "nonexistent_time",
        "text_repaired",
    }
    assert {"no_community", "unmapped_status", "bad_created"} <= set(REASONS)


@pytest.mark.django_db
def test_command_prints_the_summary_as_json_and_as_text(portal_csv):
    community = factories.CommunityFactory(slug="command-test")
    path = portal_csv(
        [
            "C-1,,2024-03-01 09:00,2024-03-01 10:00,closed,elevator,app,电梯,,,,",
            "C-2,,2024-03-01 09:00,,挂起,elevator,app,电梯,,,,",
        ]
    )
    args = [str(path), "--mapping", str(MAPPINGS / "portal.toml"), "--community", "command-test"]
    out = StringIO()
    call_command("import_service_requests", *args, "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["rows_read"] == 2
    assert summary["imported"] == {"total": 1, "new": 1, "updated": 0}
    assert summary["refused"] == {"unmapped_status": 1}
    assert summary["refused_examples"] == {"unmapped_status": [{"line": 3, "value": "挂起"}]}
    assert summary["flagged"] == {}
    assert summary["categories_created"] == 11
    out = StringIO()
    call_command("import_service_requests", *args, "--dry-run", stdout=out, stderr=StringIO())
    assert "unmapped_status: 1 · " in out.getvalue()
    assert list(
        Ticket.objects.filter(community=community).values_list("external_id", "status")
    ) == [("C-1", "closed")]


@pytest.mark.django_db
def test_command_errors_are_clear(portal_csv):
    path = portal_csv([])
    with pytest.raises(CommandError, match="no-such-community"):
        call_command(
            "import_service_requests",
            str(path),
            "--mapping",
            str(MAPPINGS / "portal.toml"),
            "--community",
            "no-such-community",
        )
    with pytest.raises(CommandError, match=r"la311_2020\.toml"):
        call_command(
            "import_service_requests",
            str(path),
            "--mapping",
            str(MAPPINGS / "la311_2020.toml"),
            "--timezone",
            "Asia/Shanghai",
        )


@pytest.mark.django_db
def test_an_import_leaves_the_ticket_tables_analysed(portal_csv):
    """The figures' replay is planned on the tables' statistics: after an import the planner
    knows how many tickets there are (pg_class.reltuples, which ANALYZE writes in place, so a
    rolled-back test keeps it: the test imports a number of rows it does not hold yet)."""
    from django.db import connection

    from tickets.importing.mapping import load_mapping
    from tickets.importing.services import service_requests_import

    def estimate():
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'tickets_ticket'")
            return cursor.fetchone()[0]

    n = 9 if estimate() == 7 else 7
    community = factories.CommunityFactory(slug="analysed")
    rows = [
        f"C-{i},,2024-03-01 09:00,2024-03-01 10:00,closed,elevator,app,电梯,,,," for i in range(n)
    ]
    service_requests_import(
        path=portal_csv(rows), mapping=load_mapping(MAPPINGS / "portal.toml"), community=community
    )
    assert estimate() == Ticket.objects.count() == n
