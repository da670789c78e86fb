"""Writes of the importer: stream a service-request export into tickets and their events.

docs/import.md describes the command, the mapping files and what each flag does to the figures.
"""

import codecs
import csv
import hashlib
import io
import sys
import time
import zoneinfo
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone as djtz
from django.utils.text import slugify
from django.utils.translation import gettext as _
from tqdm import tqdm

from community.models import Community, Organisation
from tickets.models import Category, Ticket, TicketEvent
from tickets.services import ticket_deadlines

from .bulk import insert_rows, upsert_rows
from .mapping import Mapping
from .rows import Record, Refused, RowReader

BATCH_SIZE = 2000
EXAMPLES_PER_REASON = 5
TICKET_FIELDS = [
    "kind",
    "channel",
    "category",
    "title",
    "description",
    "location_text",
    "submitted_at",
    "response_due_at",
    "resolution_due_at",
    "nominal_response_due_at",
    "nominal_resolution_due_at",
    "status",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "duplicate_of",
    "responsible_party",
    "data_flags",
    "exclude_from_durations",
    "updated_at",
]


class SourceError(ValueError):
    """The file cannot be read as this mapping says (missing, undecodable, columns absent)."""


@dataclass
class ImportSummary:
    """What one run did. Every row read is either imported (new or updated) or refused."""

    file: str
    mapping: str
    dry_run: bool
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    flagged_tickets: int = 0
    flagged: Counter = field(default_factory=Counter)  # flag code -> tickets
    refused: Counter = field(default_factory=Counter)  # reason code -> rows
    refused_examples: dict = field(default_factory=dict)  # reason -> [{line, value}]
    communities_created: list = field(default_factory=list)  # slugs
    categories_created: int = 0
    seconds: float = 0.0

    @property
    def imported(self) -> int:
        return self.created + self.updated

    def refuse(self, line: int, reason: str, value: str = "") -> None:
        self.refused[reason] += 1
        examples = self.refused_examples.setdefault(reason, [])
        if len(examples) < EXAMPLES_PER_REASON:
            examples.append({"line": line, "value": value})

    def as_dict(self) -> dict:
        """The --json output: counts, flags and reasons by code, seconds and rows per second."""
        return {
            "file": self.file,
            "mapping": self.mapping,
            "dry_run": self.dry_run,
            "rows_read": self.rows_read,
            "imported": {"total": self.imported, "new": self.created, "updated": self.updated},
            "flagged_tickets": self.flagged_tickets,
            "flagged": dict(sorted(self.flagged.items())),
            "refused_total": sum(self.refused.values()),
            "refused": dict(sorted(self.refused.items())),
            "refused_examples": self.refused_examples,
            "communities_created": self.communities_created,
            "categories_created": self.categories_created,
            "seconds": round(self.seconds, 3),
            "rows_per_second": round(self.rows_read / self.seconds) if self.seconds else None,
        }


def community_slug(name: str) -> str:
    """A URL slug from a community name; names without Latin letters get a stable hash."""
    slug = slugify(name)[:80].strip("-")
    return slug or "c-" + hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:12]


def _encoding(path: Path, declared: str) -> str:
    """`auto`: UTF-8 (with or without BOM) when the whole file decodes as UTF-8, else GB18030
    (a superset of GBK). Read in chunks, so memory stays flat."""
    if declared.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig"):
        return "utf-8-sig"
    if declared != "auto":
        return declared
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8-sig"


class _Targets:
    """Communities and categories of the run, created on first sight and cached."""

    def __init__(self, mapping, summary, timezone, street_office):
        self.mapping, self.summary, self.timezone = mapping, summary, timezone
        self.office = street_office
        self.communities: dict[str, Community] = {}
        self.categories: dict[tuple[int, str], Category] = {}
        self.loaded: set[int] = set()  # communities whose categories are cached

    def community(self, name: str) -> Community:
        found = self.communities.get(name)
        if found is None:
            slug = community_slug(name)
            found, created = Community.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name[:200],
                    "timezone": self.timezone,
                    "street_office": self.office,
                    # Its own records begin now, as for community_create; its imported
                    # tickets' records begin earlier (_tickets_since_extend).
                    "records_since": djtz.now().astimezone(zoneinfo.ZoneInfo(self.timezone)).date(),
                },
            )
            if created:
                self.summary.communities_created.append(slug)
            elif self.office and found.street_office_id is None:
                found.street_office = self.office
                found.save(update_fields=["street_office", "updated_at"])
            self.communities[name] = found
        return found

    def category(self, community: Community, code: str) -> Category:
        """The community's category `code`. On a community's first sight, every category of
        the mapping it lacks is created (one INSERT), so its category list is complete."""
        if community.pk not in self.loaded:
            self.loaded.add(community.pk)
            have = {c.code: c for c in Category.objects.filter(community=community)}
            missing = [
                Category(
                    community=community,
                    code=spec.code,
                    kind=spec.kind,
                    name=spec.name,
                    responsible_party=spec.responsible_party,
                    is_facility_fault=spec.is_facility_fault,
                    is_property_service=spec.is_property_service,
                    response_target=spec.response_target,
                    response_unit=spec.response_unit,
                    resolution_target=spec.resolution_target,
                    resolution_unit=spec.resolution_unit,
                )
                for spec in self.mapping.categories.values()
                if spec.code not in have
            ]
            Category.objects.bulk_create(missing)
            self.summary.categories_created += len(missing)
            for category in [*have.values(), *missing]:
                self.categories[(community.pk, category.code)] = category
        return self.categories[(community.pk, code)]


class _Writer:
    """Writes one batch of records: one look-up, bulk inserts and updates, events replaced."""

    def __init__(self, mapping, summary, targets, community, started):
        self.source = mapping.source
        self.summary, self.targets, self.fixed = summary, targets, community
        self.started = started

    def write(self, records: list[Record]) -> None:
        rows = []
        for record in records:
            community = self.fixed or self.targets.community(record.community)
            rows.append((record, community, self.targets.category(community, record.category)))
        existing = {
            (c, e): (pk, updated_at, moves)
            for c, e, pk, updated_at, *moves in Ticket.objects.filter(
                source=self.source,
                community_id__in={c.pk for _r, c, _k in rows},
                external_id__in={r.external_id for r, _c, _k in rows},
            ).values_list(
                "community_id",
                "external_id",
                "pk",
                "updated_at",
                "response_due_at",
                "nominal_response_due_at",
                "resolution_due_at",
                "nominal_resolution_due_at",
            )
        }
        seen: set[tuple[int, str]] = set()
        new, old = [], []
        for record, community, category in rows:
            key = (community.pk, record.external_id)
            hit = existing.get(key)
            # Written earlier in this run: the file holds the source ID twice.
            if key in seen or (hit and hit[1] >= self.started):
                self.summary.refuse(record.line, "duplicate_in_file", record.external_id)
                continue
            seen.add(key)
            response_due, resolution_due = record.response_due_at, record.resolution_due_at
            if (response_due is None or resolution_due is None) and (
                category.response_target or category.resolution_target
            ):
                # No due date in the source: the category's SLA at submission (METRICS.md).
                sla_response, sla_resolution, sla_flags = ticket_deadlines(
                    category=category, submitted_at=record.submitted_at, tz=community.tz
                )
                response_due = response_due or sla_response
                resolution_due = resolution_due or sla_resolution
                record.flags = sorted({*record.flags, *sla_flags})
            ticket = {
                "community_id": community.pk,
                "source": self.source,
                "external_id": record.external_id,
                "kind": category.kind,
                "channel": record.channel,
                "category_id": category.pk,
                "title": record.title,
                "description": record.description,
                "location_text": record.location,
                "submitted_at": record.submitted_at,
                "response_due_at": response_due,
                "resolution_due_at": resolution_due,
                "nominal_response_due_at": response_due,
                "nominal_resolution_due_at": resolution_due,
                "responsible_party": category.responsible_party,
                "data_flags": record.flags,
                "exclude_from_durations": record.exclude_from_durations,
                **record.derived(),
            }
            if hit:
                ticket["id"] = hit[0]
                _pauses_keep(ticket, *hit[2])
                old.append((ticket, record))
            else:
                new.append((ticket, record))
            self.summary.flagged.update(record.flags)
            self.summary.flagged_tickets += bool(record.flags)
        ids = insert_rows(Ticket, [t for t, _r in new])
        for (ticket, _r), pk in zip(new, ids, strict=True):
            ticket["id"] = pk
        if old:
            # Known tickets: the import's fields are overwritten, fields the import does not own
            # (assignee, supervision, ...) keep their values.
            upsert_rows(Ticket, [t for t, _r in old], update_fields=TICKET_FIELDS)
            # Re-imported: the source's history replaces the previous import's, and events
            # written in the portal since stay.
            TicketEvent.objects.filter(
                ticket_id__in=[t["id"] for t, _r in old], actor_kind=TicketEvent.ActorKind.IMPORT
            ).delete()
        insert_rows(
            TicketEvent,
            [
                {
                    "community_id": ticket["community_id"],
                    "ticket_id": ticket["id"],
                    "kind": TicketEvent.Kind.TRANSITION,
                    "from_status": event.from_status,
                    "to_status": event.to_status,
                    "actor_kind": TicketEvent.ActorKind.IMPORT,
                    "at": event.at,
                    "data": event.data,
                }
                for ticket, record in new + old
                for event in record.events
            ],
        )
        self.summary.created += len(new)
        self.summary.updated += len(old)


def service_requests_import(
    *,
    path: str | Path,
    mapping: Mapping,
    community: Community | None = None,
    street_office: str | None = None,
    timezone: str | None = None,
    dry_run: bool = False,
    limit: int | None = None,
    progress: bool = False,
) -> ImportSummary:
    """Import a service-request export with `mapping` (docs/import.md).

    Tickets go to `community` when given, else to the community named by the mapping's community
    column (created with a slug from the name, the source timezone and `street_office`, an
    organisation created when new). Times are read in `timezone` (default: the mapping's).
    Rows are streamed and written in batches of BATCH_SIZE, each batch in its own transaction;
    `dry_run` does everything in one transaction and rolls it back. Re-running updates tickets
    keyed by (community, source, external_id) and replaces their import events.

    Returns an ImportSummary. Raises SourceError when the file is missing, cannot be decoded,
    lacks a column the mapping names, or no community can be determined; ValueError for an
    unknown timezone.
    """
    path = Path(path)
    timezone = timezone or mapping.timezone
    if timezone not in zoneinfo.available_timezones():
        raise ValueError(_("“%(tz)s” is not an IANA time zone") % {"tz": timezone})
    if not path.is_file():
        raise SourceError(_("%(file)s: no such file") % {"file": path})
    if community is None and "community" not in mapping.columns:
        raise SourceError(
            _("The mapping %(m)s has no community column: name the community (--community).")
            % {"m": mapping.path.name}
        )
    summary = ImportSummary(file=str(path), mapping=mapping.path.name, dry_run=dry_run)
    started = djtz.now()
    clock = time.perf_counter()
    encoding = _encoding(path, mapping.encoding)
    with transaction.atomic() if dry_run else nullcontext():
        office = None
        if street_office:
            office, _created = Organisation.objects.get_or_create(
                kind=Organisation.Kind.STREET_OFFICE, name=street_office
            )
        targets = _Targets(mapping, summary, timezone, office)
        writer = _Writer(mapping, summary, targets, community, started)
        _stream(path, encoding, mapping, timezone, community, limit, progress, summary, writer)
        touched = [community] if community else list(targets.communities.values())
        _tickets_since_extend(touched)
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run:
        _statistics_refresh()
    summary.seconds = time.perf_counter() - clock
    return summary


def _statistics_refresh() -> None:
    """ANALYZE the ticket tables after an import: the figures' replay statement is planned on
    their statistics, and on freshly loaded tables without them PostgreSQL can choose a plan
    that replays every ticket's events once per ticket (minutes instead of a second)."""
    with connection.cursor() as cursor:
        for model in (Ticket, TicketEvent):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _pauses_keep(ticket: dict, response, nominal_response, resolution, nominal_resolution):
    """A re-imported ticket's live deadlines keep what its pauses in the portal moved them
    (services.event_apply): the new deadline at submission plus the old live one's lead over
    the old deadline at submission. The source knows nothing of those pauses."""
    for live, nominal, old_live, old_nominal in (
        ("response_due_at", "nominal_response_due_at", response, nominal_response),
        ("resolution_due_at", "nominal_resolution_due_at", resolution, nominal_resolution),
    ):
        if ticket[nominal] is not None and old_live is not None and old_nominal is not None:
            ticket[live] = ticket[nominal] + (old_live - old_nominal)


def _tickets_since_extend(communities: list[Community]) -> None:
    """Move each community's `tickets_since` back to the local date of its earliest ticket, so
    the ticket figures of the periods the import covers count and the periods before it are
    "no data". The other figures keep counting from `records_since`: the import brings no
    meetings or drills, and those periods have none on record, not zero."""
    for community in communities:
        first = Ticket.objects.filter(community=community).aggregate(first=Min("submitted_at"))
        if first["first"] is None:
            continue
        day = first["first"].astimezone(community.tz).date()
        if community.tickets_since is None or day < community.tickets_since:
            community.tickets_since = day
            community.save(update_fields=["tickets_since", "updated_at"])


def _stream(path, encoding, mapping, timezone, community, limit, progress, summary, writer):
    size = path.stat().st_size
    with (
        path.open("rb") as raw,
        io.TextIOWrapper(raw, encoding=encoding, newline="") as text,
        tqdm(total=size, unit="B", unit_scale=True, disable=not progress, file=sys.stderr) as bar,
    ):
        reader = csv.reader(text)
        try:
            header = next(reader, None)
            if header is None:
                raise SourceError(_("%(file)s is empty") % {"file": path.name})
            header[0] = header[0].lstrip("\ufeff")
            rows = RowReader(
                mapping, header, timezone=timezone, community_from_file=community is None
            )
            if rows.missing:
                raise SourceError(
                    _("%(file)s has no column %(columns)s (named in %(m)s)")
                    % {
                        "file": path.name,
                        "columns": ", ".join(f"“{c}”" for c in rows.missing),
                        "m": mapping.path.name,
                    }
                )
            batch: list[Record] = []
            line = reader.line_num + 1
            for row in reader:
                start, line = line, reader.line_num + 1
                if not row:
                    continue
                if limit is not None and summary.rows_read >= limit:
                    break
                summary.rows_read += 1
                try:
                    batch.append(rows.record(row, start))
                except Refused as refusal:
                    summary.refuse(start, refusal.reason, refusal.detail)
                if len(batch) >= BATCH_SIZE:
                    _flush(writer, batch, bar, raw)
                    batch = []
            _flush(writer, batch, bar, raw)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise SourceError(
                _("%(file)s, line %(line)s: %(error)s")
                % {"file": path.name, "line": reader.line_num, "error": exc}
            ) from exc


def _flush(writer, batch, bar, raw):
    if batch:
        with transaction.atomic():
            writer.write(batch)
    bar.update(raw.tell() - bar.n)
