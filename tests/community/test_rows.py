"""community.rows: instances read by a constant statement equal what the ORM loads, field by
field, converted values (JSON, dates, instants) included."""

import datetime

from django.db import connection
from django.utils import timezone

from community.models import Community, Disclosure, User
from community.rows import columns, instances
from community.tenancy import tenancy_resolve
from tests import factories


def fields_of(instance):
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def read(model, pk, *extra):
    table = connection.ops.quote_name(model._meta.db_table)
    more = "".join(f", {e}" for e in extra)
    sql = f"SELECT {columns(model, 'x')}{more} FROM {table} x WHERE x.id = %s"  # noqa: S608
    return instances(model, sql, [pk])


def test_instances_equal_the_orms_with_their_further_columns(db):
    community = factories.CommunityFactory(records_since=datetime.date(2024, 3, 1))
    disclosure = Disclosure.objects.create(
        community=community,
        kind=Disclosure.Kind.PUBLIC_REVENUE,
        title="2025 年公共收益",
        body="…",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        channels=["board", "wechat"],
        published_at=timezone.now(),
        seq=1,  # set by the publishing service; any stored row does here
        prev_hash="",
        content_hash="0" * 64,
    )
    [(found, more)] = read(Disclosure, disclosure.pk, "42", "'x'")
    assert fields_of(found) == fields_of(Disclosure.objects.get(pk=disclosure.pk))
    assert found.channels == ["board", "wechat"]  # JSON text turned into a list
    assert found._state.adding is False and found._state.db == "default"
    assert more == (42, "x")
    [(found, more)] = read(Community, community.pk)
    assert fields_of(found) == fields_of(Community.objects.get(pk=community.pk))
    assert more == ()
    assert read(User, 0) == []


def test_tenancy_reads_the_community_and_every_role(db):
    community = factories.CommunityFactory()
    user = factories.UserFactory()
    for role in ("committee_staff", "evaluator"):
        factories.MembershipFactory(user=user, community=community, role=role)
    factories.MembershipFactory(user=user, community=community, role="resident", is_active=False)
    tenancy = tenancy_resolve(user=user, slug=community.slug)
    assert fields_of(tenancy.community) == fields_of(Community.objects.get(pk=community.pk))
    assert tenancy.roles == {"committee_staff", "evaluator"}
