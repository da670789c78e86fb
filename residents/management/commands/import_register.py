"""manage.py import_register PATH --community SLUG --compound NAME [--mapping FILE] [--dry-run]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from community.models import Community
from residents.importer import ImportFileError, mapping_parse, register_import


class Command(BaseCommand):
    help = (
        "Import a household and resident register (.xlsx or .csv) into a compound of a "
        "community. Every bad row is listed; nothing is saved unless every row is good."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--community", required=True, help="the community's slug")
        parser.add_argument("--compound", required=True, help="compound name (created if missing)")
        parser.add_argument("--mapping", help='JSON file {field: header}, e.g. {"phone": "手机"}')
        parser.add_argument("--dry-run", action="store_true", help="check only, save nothing")

    def handle(self, *args, **options):
        community = Community.objects.filter(slug=options["community"]).first()
        if community is None:
            raise CommandError(f"No community with the slug {options['community']!r}.")
        try:
            report = register_import(
                community=community,
                compound_name=options["compound"],
                source=options["path"],
                filename=options["path"],
                mapping=mapping_parse(Path(options["mapping"]).read_text(encoding="utf-8-sig"))
                if options["mapping"]
                else None,
                dry_run=options["dry_run"],
                track=lambda rows: tqdm(rows, desc="rows", unit="row", file=self.stderr),
            )
        except (ImportFileError, OSError, UnicodeDecodeError) as exc:
            raise CommandError(str(exc)) from exc
        for error in report.errors:
            self.stdout.write(f"row {error.row}\t{error.column}\t{error.value}\t{error.reason}")
        verb = "would create" if options["dry_run"] else "created"
        counts = ", ".join(f"{n} {entity}" for entity, n in report.created.items())
        summary = (
            f"{report.rows} rows in {report.seconds:.2f} s ({report.rows_per_second:,.0f} rows/s)"
        )
        if report.errors:
            raise CommandError(f"{len(report.errors)} errors in {summary}; nothing was saved.")
        updated = ", ".join(f"{n} {entity}" for entity, n in report.updated.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary}: {verb} {counts}" + (f"; updated {updated}" if updated else "")
            )
        )
