"""Phone and ID-card validation, masking and protection (issue 2, item 4)."""

import datetime

import pytest
from cryptography.fernet import InvalidToken
from django.core.exceptions import ValidationError
from django.utils import timezone

from residents.identifiers import (
    id_number_decrypt,
    id_number_hash,
    id_number_mask,
    id_number_normalise,
    id_number_protect,
    phone_mask,
    phone_normalise,
)

from .conftest import check_character, id_number


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("13800138000", "+8613800138000"),
        ("１３８００１３８０００", "+8613800138000"),  # full-width digits
        ("+86 138-0013-8000", "+8613800138000"),
        ("0086 13800138000", "+8613800138000"),
        ("+８６ １５９ ２１２３ ４５６７", "+8615921234567"),
        ("010-6552 9988", "+861065529988"),  # Beijing landline
        ("(021) 6321 1234", "+862163211234"),  # Shanghai landline
        ("0755-8888 1234", "+8675588881234"),  # Shenzhen: 3-digit area code
        ("", ""),
    ],
)
def test_phone_normalises_mainland_numbers_to_e164(typed, e164):
    assert phone_normalise(typed) == e164


@pytest.mark.parametrize(
    "typed",
    [
        "12345",
        "1380013800",
        "138001380001",
        "+852 9123 4567",
        "400-810-8888",
        "abc",
        "+1 212 555 0100",
    ],
)
def test_phone_refuses_what_is_not_a_mainland_mobile_or_landline(typed):
    with pytest.raises(ValidationError) as caught:
        phone_normalise(typed)
    assert caught.value.code == "phone_invalid"
    assert "mainland mobile or landline" in caught.value.messages[0]


@pytest.mark.parametrize(
    ("e164", "masked"),
    [
        ("+8613800138000", "138****8000"),
        ("+8615921234567", "159****4567"),
        ("+861065529988", "010****9988"),
        ("+8675588881234", "0755****1234"),
        ("", ""),
    ],
)
def test_phone_mask(e164, masked):
    assert phone_mask(e164) == masked


def test_the_independent_check_character_matches_published_examples():
    # GB 11643-1999, appendix example and a well-known X number
    assert check_character("11010519491231002") == "X"
    assert check_character("44052418800101001") == "4"


@pytest.mark.parametrize(
    "number",
    [
        id_number("110105", datetime.date(1949, 12, 31), 2),  # check X
        id_number("440524", datetime.date(1880, 1, 1), 1),
        id_number("310104", datetime.date(2000, 2, 29), 417),  # leap day
        id_number("510107", datetime.date(1990, 6, 15), 88),
    ],
)
def test_valid_id_numbers_pass_and_are_normalised(number):
    assert id_number_normalise(number) == number
    assert id_number_normalise(f" {number[:6]} {number[6:14]} {number[14:].lower()} ") == number
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert id_number_normalise(full_width) == number


def test_every_wrong_check_character_is_refused():
    first17 = "11010519491231002"
    for wrong in "0123456789":
        with pytest.raises(ValidationError) as caught:
            id_number_normalise(first17 + wrong)
        assert caught.value.code == "id_check"


def test_a_changed_digit_is_caught_by_the_check_character():
    number = id_number("310104", datetime.date(1975, 3, 8), 315)
    typo = number[:15] + str((int(number[15]) + 1) % 10) + number[16:]
    with pytest.raises(ValidationError) as caught:
        id_number_normalise(typo)
    assert caught.value.code == "id_check"


@pytest.mark.parametrize(
    "first17",
    ["11010519490230123", "11010519491301123", "11010520010229123", "11010500000101123"],
)
def test_impossible_birth_dates_are_refused(first17):
    with pytest.raises(ValidationError) as caught:
        id_number_normalise(first17 + check_character(first17))
    assert caught.value.code == "id_birth_date"
    assert first17[6:14] in caught.value.messages[0]


def test_a_birth_date_in_the_future_is_refused():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        id_number_normalise(id_number("110105", tomorrow, 1))
    assert caught.value.code == "id_birth_date"


def test_fifteen_digit_legacy_numbers_are_refused_with_their_own_message():
    with pytest.raises(ValidationError) as caught:
        id_number_normalise("110105491231002")
    assert caught.value.code == "id_legacy"
    assert "15-digit" in caught.value.messages[0]


@pytest.mark.parametrize("typed", ["1101051949123100", "1101051949123100XX", "A1010519491231002X"])
def test_malformed_numbers_are_refused(typed):
    with pytest.raises(ValidationError) as caught:
        id_number_normalise(typed)
    assert caught.value.code == "id_format"


def test_id_number_mask_keeps_region_and_last_four():
    assert id_number_mask("11010519491231002X") == "110105********002X"
    assert id_number_mask("") == ""


def test_protect_encrypts_hashes_and_masks(settings):
    number = "11010519491231002X"
    protected = id_number_protect(number)
    assert number not in protected.encrypted
    assert id_number_decrypt(protected.encrypted) == number
    assert protected.hash == id_number_hash(number)
    assert len(protected.hash) == 64
    assert protected.masked == "110105********002X"
    # Fernet: a fresh IV each time, so equal numbers do not give equal ciphertexts
    assert id_number_protect(number).encrypted != protected.encrypted


def test_keys_come_from_field_encryption_key_or_else_secret_key(settings):
    number = "11010519491231002X"
    settings.FIELD_ENCRYPTION_KEY = ""
    from_secret = id_number_hash(number)
    settings.SECRET_KEY = "another-secret-key-for-this-test-0123456789"
    assert id_number_hash(number) != from_secret
    settings.FIELD_ENCRYPTION_KEY = "field-key-0123456789"
    keyed = id_number_hash(number)
    settings.SECRET_KEY = "yet-another-secret-key-0123456789abcdef"
    assert id_number_hash(number) == keyed  # the field key wins over SECRET_KEY
    encrypted = id_number_protect(number).encrypted
    settings.FIELD_ENCRYPTION_KEY = "a-different-field-key"
    with pytest.raises(InvalidToken):
        id_number_decrypt(encrypted)
