"""manage.py import_service_requests PATH --mapping FILE [...] (docs/import.md)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from community.models import Community
from tickets.importing import (
    FLAGS,
    REASONS,
    MappingError,
    SourceError,
    load_mapping,
    service_requests_import,
)


class Command(BaseCommand):
    help = (
        "Import a service-request export (CSV) into tickets, with a mapping file from "
        "tickets/mappings/. Every row is imported (possibly flagged) or refused with a reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the CSV export")
        parser.add_argument("--mapping", required=True, help="a mapping file (TOML)")
        parser.add_argument(
            "--community",
            metavar="SLUG",
            help="put every row into this community (default: the mapping's community column)",
        )
        parser.add_argument(
            "--street-office",
            metavar="NAME",
            help="the street office of the communities created (created when new)",
        )
        parser.add_argument(
            "--timezone", metavar="TZ", help="IANA timezone of the source's naive times"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count, then roll everything back"
        )
        parser.add_argument("--limit", type=int, metavar="N", help="read only the first N rows")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, **options):
        try:
            mapping = load_mapping(options["mapping"])
        except MappingError as exc:
            raise CommandError(str(exc)) from exc
        community = None
        if options["community"]:
            community = Community.objects.filter(slug=options["community"]).first()
            if community is None:
                raise CommandError(
                    _("--community: no community with the slug “%(slug)s”")
                    % {"slug": options["community"]}
                )
        try:
            summary = service_requests_import(
                path=options["path"],
                mapping=mapping,
                community=community,
                street_office=options["street_office"],
                timezone=options["timezone"],
                dry_run=options["dry_run"],
                limit=options["limit"],
                progress=options["verbosity"] > 0 and not options["json"],
            )
        except (SourceError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
            return
        self._report(summary)

    def _report(self, summary):
        out = self.stdout.write
        if summary.dry_run:
            out(_("Dry run: nothing was saved."))
        out(_("Rows read: %(n)d") % {"n": summary.rows_read})
        out(
            _("Imported: %(total)d (new %(new)d, updated %(updated)d)")
            % {"total": summary.imported, "new": summary.created, "updated": summary.updated}
        )
        out(_("Flagged tickets: %(n)d") % {"n": summary.flagged_tickets})
        for code, n in sorted(summary.flagged.items()):
            out(f"  {code}: {n} · {FLAGS[code]}")
        out(_("Refused rows: %(n)d") % {"n": sum(summary.refused.values())})
        for code, n in sorted(summary.refused.items()):
            examples = ", ".join(
                _("line %(line)d") % e + (f" “{e['value']}”" if e["value"] else "")
                for e in summary.refused_examples[code]
            )
            out(f"  {code}: {n} · {REASONS[code]} ({examples})")
        if summary.communities_created:
            out(
                _("Communities created: %(n)d (%(slugs)s)")
                % {
                    "n": len(summary.communities_created),
                    "slugs": ", ".join(summary.communities_created),
                }
            )
        out(_("Categories created: %(n)d") % {"n": summary.categories_created})
        out(
            _("%(s).1f s, %(rate)s rows per second")
            % {"s": summary.seconds, "rate": summary.as_dict()["rows_per_second"]}
        )
