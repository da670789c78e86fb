"""Phone numbers and ID-card numbers: validation, normalisation, masking and protection.

Phones are mainland numbers (mobile or landline) stored as E.164 (`+8613800138000`).
ID-card numbers follow GB 11643-1999 (18 characters, ISO 7064 MOD 11-2 check character) and are
never stored in clear: `IdNumber` carries the Fernet ciphertext, a keyed HMAC-SHA256 look-up
hash and a masked copy. Both are shown masked unless revealed (services.resident_reveal).
"""

import base64
import datetime
import functools
import hashlib
import hmac
import unicodedata
from dataclasses import dataclass

import phonenumbers
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PHONE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}
ID_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]
ID_CHECK_CHARACTERS = "10X98765432"


def phone_normalise(value: str) -> str:
    """A mainland mobile or landline number as E.164 ('' stays '').

    Accepts full-width digits, +86 / 0086, spaces, dashes and brackets. Raises
    ValidationError (code `phone_invalid`) for anything else.
    """
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or number.country_code != 86
        # number_type is UNKNOWN for an invalid number: no separate is_valid_number pass
        or phonenumbers.number_type(number) not in PHONE_TYPES
    ):
        # The message does not repeat the number: error lists stay masked too.
        raise ValidationError(
            _("This is not a mainland mobile or landline number."), code="phone_invalid"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(value: str) -> str:
    """A stored phone (E.164) in the national form people read and dial: 153 5268 7520,
    010 6552 9988 ('' stays ''; text that is no phone number stays as it is). Pages only: the
    API keeps E.164."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def phone_mask(value: str) -> str:
    """The masked national form of a phone: 138****8000, 010****9988 ('' stays '').

    Mobiles keep the first 3 and last 4 digits; landlines keep the area code (with its 0) and
    the last 4. Text that is no phone number keeps its first 3 and last 4 characters. Used for
    pages, API, exports, import error lists and the audit log (auditlog mask_callable).
    """
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        text, keep = value, 3
    else:
        text = phonenumbers.national_significant_number(number)
        area = phonenumbers.length_of_geographical_area_code(number)
        text, keep = ("0" + text, area + 1) if area else (text, 3)
    if len(text) < keep + 5:
        return "*" * len(text)
    return text[:keep] + "*" * (len(text) - keep - 4) + text[-4:]


def id_number_normalise(value: str) -> str:
    """A valid 18-character ID-card number, upper-case ('' stays '').

    Checks GB 11643-1999: 17 digits then the ISO 7064 MOD 11-2 check character (0-9 or X),
    a real birth date (characters 7-14) not in the future. Full-width characters and spaces are
    accepted. Raises ValidationError with code `id_legacy` (15 digits), `id_format`,
    `id_birth_date` or `id_check`.
    """
    text = "".join(unicodedata.normalize("NFKC", value or "").split()).upper()
    if not text:
        return ""
    if len(text) == 15 and text.isdigit():
        raise ValidationError(
            _(
                "15-digit ID-card numbers are no longer valid; enter the 18-character number "
                "of the second-generation card."
            ),
            code="id_legacy",
        )
    if len(text) != 18 or not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        raise ValidationError(
            _("An ID-card number has 17 digits followed by a digit or X."), code="id_format"
        )
    try:
        born = datetime.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        born = None
    if born is None or born > timezone.localdate():
        raise ValidationError(
            _("The birth date in this ID-card number (%(digits)s) is not a real past date."),
            code="id_birth_date",
            params={"digits": text[6:14]},
        )
    if id_check_character(text[:17]) != text[17]:
        raise ValidationError(
            _("The check character of this ID-card number is wrong; please check every digit."),
            code="id_check",
        )
    return text


def id_check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits (GB 11643-1999)."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARACTERS[total % 11]


def id_number_mask(number: str) -> str:
    """110105********123X: the region code and the last four characters stay visible."""
    return number[:6] + "*" * 8 + number[-4:] if number else ""


@dataclass(frozen=True)
class IdNumber:
    """The stored form of an ID-card number (all '' when there is none)."""

    encrypted: str
    hash: str
    masked: str


def id_number_protect(number: str) -> IdNumber:
    """Encrypt, hash and mask a normalised ID-card number (see id_number_normalise)."""
    if not number:
        return IdNumber("", "", "")
    return IdNumber(
        encrypted=_keys().fernet.encrypt(number.encode()).decode(),
        hash=id_number_hash(number),
        masked=id_number_mask(number),
    )


def id_number_hash(number: str) -> str:
    """Keyed HMAC-SHA256 (hex) of a normalised ID-card number: exact look-ups without clear text."""
    return hmac.new(_keys().lookup, number.encode(), hashlib.sha256).hexdigest()


def id_number_decrypt(encrypted: str) -> str:
    """The clear ID-card number. Only services.resident_reveal calls this (it logs the access)."""
    return _keys().fernet.decrypt(encrypted.encode()).decode() if encrypted else ""


@dataclass(frozen=True)
class _Keys:
    fernet: Fernet
    lookup: bytes


def _keys() -> _Keys:
    return _derive(settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY)


@functools.lru_cache(maxsize=4)
def _derive(material: str) -> _Keys:
    """Two independent keys from one secret (HKDF-SHA256): one encrypts, one hashes."""

    def hkdf(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
            material.encode()
        )

    return _Keys(
        fernet=Fernet(base64.urlsafe_b64encode(hkdf(b"gongzhi id-number encryption"))),
        lookup=hkdf(b"gongzhi id-number lookup"),
    )
