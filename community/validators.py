"""Validators shared by the forms of every app."""

import datetime
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The largest primary key PostgreSQL's bigint (and SQLite's INTEGER) holds: an id filter or
# field beyond it answers 400, not a database overflow.
MAX_ID = 2**63 - 1


def instant_in_range(value: datetime.datetime | None) -> None:
    """Refuses an aware instant whose UTC time falls outside the years 1 to 9999.

    Such an instant is accepted by a form (0001-01-01 00:00 in Asia/Shanghai is year 0 in UTC)
    and stored by PostgreSQL as a BC date, but no later read of the row succeeds.
    """
    if value is None:
        return
    try:
        value.astimezone(datetime.UTC)
    except OverflowError:
        raise ValidationError(
            _("Enter a time between the years 1 and 9999."), code="overflow"
        ) from None


# The community records' documents (disclosures, meeting attachments, plan revisions).
RECORD_UPLOAD_EXTENSIONS = (
    "pdf",
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "txt",
    "csv",
)


def record_upload_check(
    upload, *, label: str, extensions: tuple[str, ...] | None = RECORD_UPLOAD_EXTENSIONS
) -> None:
    """Refuses an uploaded file larger than settings.RECORD_UPLOAD_MAX_MB (1 MB = 1,048,576
    bytes) or, when `extensions` is given, whose name does not end in one of them (lower case,
    without the dot; None leaves the type to the caller, e.g. an importer's own check). The
    error names the form field (`label`) and the file. Raises ValidationError (code "size" or
    "extension")."""
    from django.conf import settings

    name = PurePath(upload.name or "").name
    limit = settings.RECORD_UPLOAD_MAX_MB
    if upload.size > limit * 1024 * 1024:
        raise ValidationError(
            _("%(field)s: “%(name)s” is larger than %(max)d MB."),
            params={"field": label, "name": name, "max": limit},
            code="size",
        )
    if extensions is not None and PurePath(name).suffix.lower().lstrip(".") not in extensions:
        raise ValidationError(
            _("%(field)s: “%(name)s” is not a file type accepted here (%(allowed)s)."),
            params={"field": label, "name": name, "allowed": ", ".join(extensions)},
            code="extension",
        )


class RecordFileField(forms.FileField):
    """A form file field checked by `record_upload_check` (a file kept from before is not)."""

    def __init__(self, *args, extensions=RECORD_UPLOAD_EXTENSIONS, **kwargs):
        super().__init__(*args, **kwargs)
        self.extensions = extensions

    def validate(self, value):
        super().validate(value)
        if value:
            record_upload_check(value, label=str(self.label), extensions=self.extensions)
