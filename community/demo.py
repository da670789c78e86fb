"""Demo data of the community app: two communities under one street office, their organisations
and compounds, and one account per role. Deterministic and idempotent: rows are looked up by
their natural keys and only missing ones are created, so a second run changes nothing.

`manage.py seed_demo` runs this first; other apps' generators find the communities with
`demo_communities()`.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext

from .models import Community, Compound, Membership, Organisation, User

PASSWORD = "gongzhi-demo"  # noqa: S105 (printed by seed_demo on purpose)
STREET_OFFICE = "新华街道办事处"
PROPERTY_COMPANY = "安居物业服务有限公司"
EVALUATOR = "明鉴社会评估中心"


@dataclass(frozen=True)
class DemoCompound:
    name: str
    address: str
    land_area_m2: Decimal
    green_area_m2: Decimal


@dataclass(frozen=True)
class DemoCommunity:
    slug: str
    name: str
    timezone: str
    owners_committee: str
    compounds: tuple[DemoCompound, ...]


COMMUNITIES = (
    DemoCommunity(
        slug="xingfuli",
        name="幸福里社区",
        timezone="Asia/Shanghai",
        owners_committee="幸福里小区业主委员会",
        compounds=(
            DemoCompound("幸福里一期", "幸福路88弄", Decimal("46000"), Decimal("16100")),
            DemoCompound("幸福里二期", "幸福路188弄", Decimal("52000"), Decimal("18720")),
            DemoCompound("幸福里老公房", "和乐路12弄", Decimal("21000"), Decimal("4620")),
        ),
    ),
    DemoCommunity(
        slug="hepingyuan",
        name="和平苑社区",
        timezone="Asia/Shanghai",
        owners_committee="和平苑业主委员会",
        compounds=(
            DemoCompound("和平苑", "和平路300弄", Decimal("18000"), Decimal("6300")),
            DemoCompound("和平新村", "和平路360弄", Decimal("9500"), Decimal("2280")),
        ),
    ),
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    organisation: str  # "committee" / "owners": the community's own; otherwise a name
    slugs: tuple[str, ...]


BOTH = ("xingfuli", "hepingyuan")
Role = Membership.Role
ACCOUNTS = (
    # The staff account works in both communities so the community switcher can be tried.
    DemoAccount("staff", "王丽", Role.COMMITTEE_STAFF, "committee", BOTH),
    DemoAccount("property", "李强", Role.PROPERTY_MANAGER, PROPERTY_COMPANY, BOTH),
    DemoAccount("tech", "张建国", Role.TECHNICIAN, PROPERTY_COMPANY, ("xingfuli",)),
    DemoAccount("owner", "陈敏", Role.OWNERS_COMMITTEE, "owners", ("xingfuli",)),
    DemoAccount("resident", "刘芳", Role.RESIDENT, "", ("xingfuli",)),
    DemoAccount("evaluator", "赵文", Role.EVALUATOR, EVALUATOR, BOTH),
    DemoAccount("street", "周伟", Role.STREET_OFFICER, STREET_OFFICE, BOTH),
)
ADMIN_USERNAME = "admin"


def demo_communities() -> list[Community]:
    """The demo communities, in COMMUNITIES order (for the other apps' generators)."""
    by_slug = Community.objects.in_bulk([c.slug for c in COMMUNITIES], field_name="slug")
    return [by_slug[c.slug] for c in COMMUNITIES]


def seed() -> str:
    """Create what is missing of the demo's organisations, communities, compounds and accounts.

    Returns a one-line summary. Passwords are set only on accounts this run creates.
    """
    orgs = {
        name: _org(kind, name)
        for kind, name in [
            (Organisation.Kind.STREET_OFFICE, STREET_OFFICE),
            (Organisation.Kind.PROPERTY_COMPANY, PROPERTY_COMPANY),
            (Organisation.Kind.EVALUATOR, EVALUATOR),
        ]
    }
    communities = {}
    for spec in COMMUNITIES:
        community, _ = Community.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "timezone": spec.timezone,
                "street_office": orgs[STREET_OFFICE],
            },
        )
        communities[spec.slug] = community
        orgs[(spec.slug, "committee")] = _org(
            Organisation.Kind.NEIGHBOURHOOD_COMMITTEE, f"{spec.name}居委会"
        )
        orgs[(spec.slug, "owners")] = _org(
            Organisation.Kind.OWNERS_COMMITTEE, spec.owners_committee
        )
        for compound in spec.compounds:
            Compound.objects.get_or_create(
                community=community,
                name=compound.name,
                defaults={
                    "address": compound.address,
                    "land_area_m2": compound.land_area_m2,
                    "green_area_m2": compound.green_area_m2,
                    "property_company": orgs[PROPERTY_COMPANY],
                },
            )
    for account in ACCOUNTS:
        user = _user(account.username, account.full_name)
        for slug in account.slugs:
            organisation = (
                orgs[(slug, account.organisation)]
                if account.organisation in ("committee", "owners")
                else orgs.get(account.organisation)
            )
            Membership.objects.get_or_create(
                community=communities[slug],
                user=user,
                role=account.role,
                defaults={"organisation": organisation},
            )
    _user(ADMIN_USERNAME, "平台管理员", is_staff=True, is_superuser=True)
    return gettext("%(communities)d communities, %(accounts)d accounts") % {
        "communities": len(communities),
        "accounts": len(ACCOUNTS) + 1,
    }


def _org(kind: str, name: str) -> Organisation:
    return Organisation.objects.get_or_create(kind=kind, name=name)[0]


def _user(username: str, full_name: str, **flags) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=full_name, **flags)
        user.set_password(PASSWORD)
        user.save()
    return user


def history() -> str:
    """Date the demo households, memberships and compounds from 1 January of the year before
    last.

    The figures count households, active staff and compounds *at period end* (METRICS.md:
    complaint rate, burglary rate, training coverage, green coverage), so a demo created
    today needs a past for last year's review to have its denominators. Idempotent: only
    newer rows are moved back.
    """
    from residents.models import Household

    since = datetime.date(timezone.localdate().year - 2, 1, 1)
    instant = datetime.datetime(since.year, 1, 1, tzinfo=datetime.UTC)
    communities = demo_communities()
    households = Household.objects.filter(community__in=communities, created_at__gt=instant).update(
        created_at=instant
    )
    memberships = Membership.objects.filter(community__in=communities, started_on__gt=since).update(
        started_on=since
    )
    compounds = Compound.objects.filter(community__in=communities, created_at__gt=instant).update(
        created_at=instant
    )
    # The demo's records begin on 1 January last year: the year before it has no data.
    records_since = datetime.date(since.year + 1, 1, 1)
    Community.objects.filter(pk__in=[c.pk for c in communities]).update(records_since=records_since)
    return gettext(
        "%(households)s households, %(memberships)s memberships and %(compounds)s compounds"
        " registered since %(since)s, a year before the records begin (%(records_since)s)"
    ) % {
        "households": f"{households:,}",
        "memberships": f"{memberships:,}",
        "compounds": f"{compounds:,}",
        "since": since,
        "records_since": records_since,
    }
