"""`manage.py seed_demo`: realistic, valid, deterministic and idempotent demo data."""

import hashlib
import io
import re

import phonenumbers
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.urls import reverse

from community.demo import ACCOUNTS, PASSWORD
from community.management.commands.seed_demo import serve_url
from community.models import Community, Compound, Membership, Organisation, User
from config.urls import APPS as PROJECT_APPS
from residents.identifiers import id_number_decrypt, id_number_mask, id_number_normalise
from residents.models import Building, Household, Resident

# Every app a generator may write to (seed_demo.GENERATORS), so each new generator is held to
# "a second run changes nothing" too.
SEEDED_APPS = [*PROJECT_APPS, "auth", "authtoken"]
CHINESE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,3}$")


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, tuple[int, str]]:
    """(row count, sha256 of every column of every row) per model of the seeded apps."""
    result = {}
    for model in apps.get_models():
        if model._meta.app_label not in SEEDED_APPS or model._meta.proxy:
            continue
        columns = [f.attname for f in model._meta.concrete_fields]
        rows = list(model.objects.order_by("pk").values_list(*columns))
        result[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return result


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module (about 2 s) in a transaction rolled back at its end; each test
    runs in a savepoint inside it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield seed()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


pytestmark = pytest.mark.django_db


def test_a_second_run_changes_nothing(seeded):
    before = snapshot()
    assert before["residents.Resident"][0] > 5000
    seed()
    assert snapshot() == before


def test_communities_under_one_street_office(seeded):
    communities = list(Community.objects.order_by("slug").select_related("street_office"))
    assert [(c.slug, c.name, c.timezone) for c in communities] == [
        ("hepingyuan", "和平苑社区", "Asia/Shanghai"),
        ("xingfuli", "幸福里社区", "Asia/Shanghai"),
    ]
    assert {c.street_office.name for c in communities} == {"新华街道办事处"}
    company = Organisation.objects.get(kind="property_company")
    assert Compound.objects.filter(property_company=company).count() == Compound.objects.count()
    assert {o.kind for o in Organisation.objects.all()} == set(Organisation.Kind)


def test_registry_sizes(seeded):
    households = dict(
        Household.objects.values_list("community__slug").annotate(n=Count("id")).order_by()
    )
    # 幸福里: 10x3x11x2 + 8x2x18x4 + 12x3x6x2; 和平苑: 8x2x6x2 + 6x2x5x2 (residents/demo.py)
    assert households == {"xingfuli": 2244, "hepingyuan": 312}
    assert Compound.objects.filter(community__slug="xingfuli").count() == 3
    assert Building.objects.filter(community__slug="xingfuli").count() == 30
    vacant = Household.objects.filter(occupancy="vacant").count()
    assert 0.05 < vacant / 2556 < 0.13
    assert not Resident.objects.filter(household__occupancy="vacant").exists()
    areas = Household.objects.values_list("floor_area_m2", flat=True)
    assert min(areas) >= 42 and max(areas) <= 144
    for compound in Compound.objects.all():
        assert 0 < compound.green_area_m2 < compound.land_area_m2


def test_residents_have_valid_names_phones_and_id_numbers(seeded):
    residents = list(Resident.objects.all())
    assert all(CHINESE_NAME.match(r.name) for r in residents)
    with_phone = [r for r in residents if r.phone]
    assert len(with_phone) > 0.8 * len(residents)
    for resident in with_phone[::7]:
        number = phonenumbers.parse(resident.phone)
        assert phonenumbers.is_valid_number(number)
        assert phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
    hashes = [r.id_number_hash for r in residents]
    assert all(hashes) and len(set(hashes)) == len(hashes)
    for resident in residents[::7]:
        clear = id_number_decrypt(resident.id_number_encrypted)
        assert id_number_normalise(clear) == clear  # valid check character and birth date
        assert resident.id_number_masked == id_number_mask(clear)
        assert clear not in resident.id_number_encrypted


def test_one_account_per_role_with_the_demo_password(seeded, client):
    roles = {
        a.username: set(
            Membership.objects.filter(user__username=a.username).values_list("role", flat=True)
        )
        for a in ACCOUNTS
    }
    assert roles == {a.username: {a.role} for a in ACCOUNTS}
    assert {a.role for a in ACCOUNTS} == set(Membership.Role)
    assert Membership.objects.filter(user__username="staff").count() == 2
    for account in ACCOUNTS:
        assert User.objects.get(username=account.username).check_password(PASSWORD)
    response = client.post(reverse("login"), {"username": "staff", "password": PASSWORD})
    assert response["Location"] == reverse("community:home")
    resident = Resident.objects.get(user__username="resident")
    assert (resident.name, resident.community.slug) == ("刘芳", "xingfuli")
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(PASSWORD)


def test_it_says_how_to_log_in(seeded):
    assert "http://127.0.0.1:8000/" in seeded
    assert f"所有演示账号的密码：{PASSWORD}" in seeded
    assert "  admin      平台管理员（Django 管理后台在 /admin/）" in seeded
    assert "platform operator" not in seeded and "Communities" not in seeded
    assert "residents.demo.seed: 2,556 户，" in seeded
    # Every generator's summary is in the site's language too (community slugs aside).
    summaries = [
        line.split(": ", 1)[1] for line in seeded.splitlines() if ".demo." in line.split(": ", 1)[0]
    ]
    assert len(summaries) == 8
    for summary in summaries:
        words = re.findall(r"[A-Za-z]{3,}", re.sub(r"xingfuli|hepingyuan", "", summary))
        assert words == [], summary


def test_the_url_has_the_port_run_sh_serves_on(seeded, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    out = seed()
    assert "http://127.0.0.1:8123/" in out and ":8000" not in out
    # run.sh serves on 8000 when PORT is empty (${PORT:-8000}), and so says seed_demo.
    monkeypatch.setenv("PORT", "")
    assert serve_url() == "http://127.0.0.1:8000/"
    monkeypatch.delenv("PORT")
    assert serve_url() == "http://127.0.0.1:8000/"
