"""Mapping files: how one export format becomes tickets (docs/import.md, "Mapping format").

A mapping is a TOML file. It names the columns of the export, the date formats and timezone of
its naive timestamps, and explicit tables from source statuses, request types and channels to
lifecycle states, categories and `Ticket.Channel`. Nothing is guessed: a status missing from
`[statuses]` refuses the row (METRICS.md, Imported and inconsistent records).
"""

import codecs
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from tickets.models import Category, ResponsibleParty, Ticket, TicketKind

# Lifecycle states a source status may map to. `reopened` needs a history an export lacks.
IMPORTABLE_STATES = frozenset(Ticket.Status.values) - {Ticket.Status.REOPENED}
COLUMN_KEYS = {
    "external_id": True,
    "created": True,
    "status": True,
    "request_type": True,
    "closed": False,
    "resolution_due": False,
    "response_due": False,
    "channel": False,
    "community": False,
    "title": False,
    "description": False,
    "location": False,
}
TEXT_KEYS = ("title", "description", "location")  # may name several columns, joined


class MappingError(ValueError):
    """The mapping file is not usable; the message names the key and the reason."""


@dataclass(frozen=True)
class CategorySpec:
    """One category a mapping creates in every community it fills (Category fields)."""

    code: str
    name: str
    kind: str
    responsible_party: str
    is_facility_fault: bool = False
    is_property_service: bool = False
    response_target: int | None = None
    response_unit: str = Category.TargetUnit.HOURS
    resolution_target: int | None = None
    resolution_unit: str = Category.TargetUnit.WORKING_DAYS


@dataclass(frozen=True)
class Mapping:
    name: str
    source: str
    encoding: str
    timezone: str
    date_formats: tuple[str, ...]
    columns: dict[str, str | tuple[str, ...]]
    statuses: dict[str, str]
    channels: dict[str, str]
    categories: dict[str, CategorySpec]
    request_types: dict[str, str]  # source request type -> category code
    fallback_category: str
    default_channel: str
    path: Path = field(compare=False)

    def required_columns(self) -> set[str]:
        """Every header the file must have."""
        names: set[str] = set()
        for value in self.columns.values():
            names.update((value,) if isinstance(value, str) else value)
        return names


def _fail(path: Path, key: str, reason: str):
    raise MappingError(
        _("%(file)s: %(key)s: %(reason)s") % {"file": path.name, "key": key, "reason": reason}
    )


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        _fail(path, "file", _("not found"))
    except tomllib.TOMLDecodeError as exc:
        _fail(path, "file", str(exc))
    parent = data.pop("extends", None)
    if parent is None:
        return data
    # A layout variant of another mapping: its keys replace the parent's, table by table.
    return {**_read(path.parent / parent), **data}


def _category(path: Path, code: str, spec: dict) -> tuple[CategorySpec, list[str]]:
    key = f"categories.{code}"
    allowed = {
        "name_zh",
        "kind",
        "responsible_party",
        "is_facility_fault",
        "is_property_service",
        "response_target",
        "response_unit",
        "resolution_target",
        "resolution_unit",
        "source_types",
    }
    unknown = set(spec) - allowed
    if unknown:
        _fail(path, key, _("unknown keys %(keys)s") % {"keys": ", ".join(sorted(unknown))})
    if len(code) > 64 or not code.replace("_", "").replace("-", "").isalnum():
        _fail(path, key, _("the code must be a slug of at most 64 characters"))
    if not spec.get("name_zh"):
        _fail(path, f"{key}.name_zh", _("required"))
    if spec.get("kind") not in TicketKind.values:
        _fail(path, f"{key}.kind", _("must be one of %(v)s") % {"v": ", ".join(TicketKind.values)})
    if spec.get("responsible_party") not in ResponsibleParty.values:
        _fail(
            path,
            f"{key}.responsible_party",
            _("must be one of %(v)s") % {"v": ", ".join(ResponsibleParty.values)},
        )
    for unit in ("response_unit", "resolution_unit"):
        if unit in spec and spec[unit] not in Category.TargetUnit.values:
            _fail(path, f"{key}.{unit}", _("must be hours or working_days"))
    for target in ("response_target", "resolution_target"):
        if target in spec and (not isinstance(spec[target], int) or spec[target] <= 0):
            _fail(path, f"{key}.{target}", _("must be a positive whole number"))
    fields = {k: v for k, v in spec.items() if k not in {"name_zh", "source_types"}}
    return CategorySpec(code=code, name=spec["name_zh"], **fields), list(
        spec.get("source_types", [])
    )


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping file.

    Raises MappingError (a ValueError) naming the file, the key and the reason when a key is
    missing, a state, channel, kind or responsible party is not one of the model's choices, a
    timezone is not an IANA name, or a request type belongs to two categories.
    """
    path = Path(path)
    data = _read(path)
    for key in ("source", "timezone", "date_formats", "columns", "statuses", "categories"):
        if key not in data:
            _fail(path, key, _("required"))
    if data["timezone"] not in zoneinfo.available_timezones():
        _fail(path, "timezone", _("not an IANA time zone"))
    if not data["date_formats"]:
        _fail(path, "date_formats", _("give at least one format"))
    encoding = data.get("encoding", "auto")
    if encoding != "auto":
        try:
            codecs.lookup(encoding)
        except LookupError:
            _fail(path, "encoding", _("not a known encoding"))
    if len(data["source"]) > 32:
        _fail(path, "source", _("at most 32 characters"))

    columns: dict[str, str | tuple[str, ...]] = {}
    for key, value in data["columns"].items():
        if key not in COLUMN_KEYS:
            _fail(path, f"columns.{key}", _("unknown field"))
        if isinstance(value, list) and key in TEXT_KEYS:
            columns[key] = tuple(value)
        elif isinstance(value, str) and value:
            columns[key] = value
        else:
            _fail(path, f"columns.{key}", _("must name a column"))
    for key, required in COLUMN_KEYS.items():
        if required and key not in columns:
            _fail(path, f"columns.{key}", _("required"))

    for status, state in data["statuses"].items():
        if state not in IMPORTABLE_STATES:
            _fail(
                path,
                f"statuses.{status}",
                _("must be one of %(v)s") % {"v": ", ".join(sorted(IMPORTABLE_STATES))},
            )
    channels = data.get("channels", {})
    default_channel = data.get("default_channel", Ticket.Channel.OTHER)
    for name, channel in [*channels.items(), ("default_channel", default_channel)]:
        if channel not in Ticket.Channel.values:
            _fail(
                path,
                f"channels.{name}",
                _("must be one of %(v)s") % {"v": ", ".join(Ticket.Channel.values)},
            )

    categories: dict[str, CategorySpec] = {}
    request_types: dict[str, str] = {}
    for code, spec in data["categories"].items():
        categories[code], source_types = _category(path, code, spec)
        for source_type in source_types:
            if source_type in request_types:
                _fail(
                    path,
                    f"categories.{code}.source_types",
                    _("“%(t)s” is already in %(c)s")
                    % {"t": source_type, "c": request_types[source_type]},
                )
            request_types[source_type] = code
    fallback = data.get("fallback_category", "")
    if fallback not in categories:
        _fail(path, "fallback_category", _("must name one of the categories"))

    return Mapping(
        name=data.get("name", path.stem),
        source=data["source"],
        encoding=encoding,
        timezone=data["timezone"],
        date_formats=tuple(data["date_formats"]),
        columns=columns,
        statuses=dict(data["statuses"]),
        channels=dict(channels),
        categories=categories,
        request_types=request_types,
        fallback_category=fallback,
        default_channel=default_channel,
        path=path,
    )
