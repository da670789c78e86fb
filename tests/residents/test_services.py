"""Registry services and selectors: validation by field, tenant rule, reveal log, audit log."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.http import Http404

from residents import selectors, services
from residents.identifiers import id_number_decrypt, id_number_hash
from residents.models import IdentityAccessLog, Resident
from tests import factories


def errors_of(call, **kwargs) -> dict:
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return caught.value.message_dict


def test_building_name_is_unique_per_compound_with_a_clear_message(world):
    a = world.a
    errors = errors_of(
        services.building_create, community=a.community, compound=a.building.compound, name="1号楼"
    )
    assert errors == {"name": ["This compound already has a building with this name."]}
    other = factories.CompoundFactory(community=a.community, name="西区")
    building = services.building_create(community=a.community, compound=other, name="1号楼")
    assert building.compound == other


def test_a_row_of_another_community_is_refused_by_field(world):
    errors = errors_of(
        services.unit_create, community=world.a.community, building=world.b.building, name="9单元"
    )
    assert errors == {"building": ["Choose one of this community's records."]}
    errors = errors_of(
        services.household_update, household=world.a.household, data={"unit": world.b.unit}
    )
    assert list(errors) == ["unit"]


def test_household_area_must_be_positive_and_room_unique(world):
    a = world.a
    errors = errors_of(
        services.household_create,
        community=a.community, unit=a.unit, room="102", floor_area_m2=Decimal("0"),
    )  # fmt: skip
    assert errors == {"floor_area_m2": ["The floor area must be more than 0 m²."]}
    errors = errors_of(
        services.household_create,
        community=a.community, unit=a.unit, room="101", floor_area_m2=Decimal("50"),
    )  # fmt: skip
    assert errors == {"room": ["This unit already has a household with this room number."]}


def test_resident_create_normalises_and_protects(world, known_id):
    a = world.a
    resident = services.resident_create(
        community=a.community, household=a.household, name="陈静", relation="family",
        phone="０１０－６５５２ ９９８８", id_number=known_id.lower(),
    )  # fmt: skip
    stored = Resident.objects.get(pk=resident.pk)
    assert stored.phone == "+861065529988"
    assert stored.phone_masked == "010****9988"
    assert stored.id_number_masked == "110105********002X"
    assert stored.id_number_hash == id_number_hash(known_id)
    assert id_number_decrypt(stored.id_number_encrypted) == known_id
    assert known_id not in stored.id_number_encrypted


def test_resident_errors_name_phone_and_id_number_together(world):
    errors = errors_of(
        services.resident_create,
        community=world.a.community, household=world.a.household, name="", relation="owner",
        phone="12345", id_number="110105491231002",
    )  # fmt: skip
    assert set(errors) == {"name", "phone", "id_number"}
    assert "mainland mobile or landline" in errors["phone"][0]
    assert "15-digit" in errors["id_number"][0]
    assert Resident.objects.filter(community=world.a.community).count() == 1


def test_an_id_number_is_registered_once_per_community(world, identified, known_id):
    errors = errors_of(
        services.resident_create,
        community=world.a.community, household=world.a.household, name="重复", relation="owner",
        id_number=known_id,
    )  # fmt: skip
    assert errors == {
        "id_number": ["This ID-card number is already registered for another resident."]
    }
    other = services.resident_create(
        community=world.b.community, household=world.b.household, name="同号", relation="owner",
        id_number=known_id,
    )  # fmt: skip
    assert other.id_number_hash == identified.id_number_hash


def test_update_keeps_identifiers_unless_given_and_can_clear_the_id_number(world, identified):
    services.resident_update(resident=identified, data={"name": "新名"})
    kept = Resident.objects.get(pk=identified.pk)
    assert (kept.name, kept.phone, kept.id_number_masked) == (
        "新名", "+8613800138000", "110105********002X",
    )  # fmt: skip
    services.resident_update(resident=kept, data={"id_number": ""})
    cleared = Resident.objects.get(pk=identified.pk)
    assert (cleared.id_number_encrypted, cleared.id_number_hash, cleared.id_number_masked) == (
        "", "", "",
    )  # fmt: skip


def test_reveal_logs_who_whose_when_why(world, identified, known_id):
    staff = world.a.users["committee_staff"]
    value = services.resident_reveal(
        resident=identified, actor=staff, field="id_number", reason=" 核对低保材料 "
    )
    assert value == known_id
    log = IdentityAccessLog.objects.get()
    assert (log.actor, log.resident, log.field, log.reason, log.community) == (
        staff, identified, "id_number", "核对低保材料", world.a.community,
    )  # fmt: skip
    assert log.created_at is not None
    assert (
        services.resident_reveal(resident=identified, actor=staff, field="phone", reason="回访")
        == "+8613800138000"
    )


def test_reveal_needs_a_reason_and_a_value(world, identified):
    staff = world.a.users["committee_staff"]
    assert errors_of(
        services.resident_reveal, resident=identified, actor=staff, field="phone", reason="  "
    ) == {"reason": ["Say why you need to see the full value."]}
    bare = services.resident_create(
        community=world.a.community, household=world.a.household, name="无证", relation="family"
    )
    assert errors_of(
        services.resident_reveal, resident=bare, actor=staff, field="id_number", reason="核对"
    ) == {"field": ["This resident has no such value on record."]}
    assert not IdentityAccessLog.objects.exists()


def test_writes_are_in_the_audit_log_with_identifiers_masked(world, known_id):
    resident = services.resident_create(
        community=world.a.community, household=world.a.household, name="审计", relation="owner",
        phone="13912345678", id_number=known_id,
    )  # fmt: skip
    entry = LogEntry.objects.get_for_object(resident).get()
    text = str(entry.changes)
    assert "139****5678" in text
    assert "13912345678" not in text
    assert known_id not in text
    assert "id_number_encrypted" not in text and "id_number_hash" not in text
    assert "110105********002X" in text


def test_selectors_answer_404_for_another_communitys_row(world):
    user = world.a.users["committee_staff"]
    for get, row in (
        (selectors.building_get, world.b.building),
        (selectors.unit_get, world.b.unit),
        (selectors.household_get, world.b.household),
        (selectors.resident_get, world.b.resident),
    ):
        with pytest.raises(Http404):
            get(community=world.a.community, user=user, pk=row.pk)
        assert get(community=world.b.community, user=user, pk=row.pk) == row
    with pytest.raises(Http404):
        selectors.building_get(community=world.a.community, user=user, pk="x")
