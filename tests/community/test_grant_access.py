import io

import pytest
from django.core.management import CommandError, call_command

from community.models import Membership, Organisation
from tests import factories


def test_grant_access_to_every_community_of_a_street_office(db):
    office = Organisation.objects.create(name="Boston 311", kind=Organisation.Kind.STREET_OFFICE)
    inside = [factories.CommunityFactory(street_office=office) for _ in range(3)]
    outside = factories.CommunityFactory()
    user = factories.UserFactory(username="street")

    for _ in range(2):  # idempotent
        call_command(
            "grant_access",
            "--street-office",
            "Boston 311",
            "--user",
            "street",
            "--role",
            "street_officer",
        )

    granted = Membership.objects.filter(user=user, role=Membership.Role.STREET_OFFICER)
    assert sorted(granted.values_list("community_id", flat=True)) == sorted(c.pk for c in inside)
    assert not granted.filter(community=outside).exists()


def test_grant_access_names_what_is_missing(db):
    factories.UserFactory(username="someone")
    with pytest.raises(CommandError, match="nowhere"):
        call_command(
            "grant_access", "--community", "nowhere", "--user", "someone", "--role", "resident"
        )
    with pytest.raises(CommandError, match="nobody"):
        call_command("grant_access", "--community", "x", "--user", "nobody", "--role", "resident")


def test_grant_access_reports_in_the_sites_language(db):
    community = factories.CommunityFactory(slug="here")
    factories.UserFactory(username="someone")
    out = io.StringIO()
    call_command(
        "grant_access", "--community", "here", "--user", "someone", "--role", "resident", stdout=out
    )
    assert out.getvalue() == "someone 已在 1 个社区担任居民。\n"
    assert Membership.objects.filter(community=community, role="resident").count() == 1
    with pytest.raises(CommandError, match="没有名为“nobody”的用户。"):
        call_command(
            "grant_access", "--community", "here", "--user", "nobody", "--role", "resident"
        )
