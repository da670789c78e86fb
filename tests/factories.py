"""factory_boy factories for the shared fixture world and single tests."""

from decimal import Decimal

import factory

from community.models import Community, Compound, Membership, Organisation, User
from residents.models import Building, Household, Resident, Unit


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-12345-test")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"组织{n}")
    kind = Organisation.Kind.NEIGHBOURHOOD_COMMITTEE


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    slug = factory.Sequence(lambda n: f"community-{n}")
    name = factory.Sequence(lambda n: f"第{n}社区")


class CompoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Compound

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"小区{n}")
    land_area_m2 = Decimal("20000")
    green_area_m2 = Decimal("7000")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    community = factory.SubFactory(CommunityFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.COMMITTEE_STAFF


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    community = factory.SelfAttribute("compound.community")
    compound = factory.SubFactory(CompoundFactory)
    name = factory.Sequence(lambda n: f"{n}号楼")
    floors = 6


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    community = factory.SelfAttribute("building.community")
    building = factory.SubFactory(BuildingFactory)
    name = factory.Sequence(lambda n: f"{n}单元")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    community = factory.SelfAttribute("unit.community")
    unit = factory.SubFactory(UnitFactory)
    room = factory.Sequence(lambda n: f"{100 + n}")
    floor_area_m2 = Decimal("89.50")


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    community = factory.SelfAttribute("household.community")
    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"居民{n}")
    phone = "+8613800138000"
    relation = Resident.Relation.OWNER
