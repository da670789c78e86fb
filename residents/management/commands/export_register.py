"""manage.py export_register --community SLUG --format xlsx|csv --output PATH"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from community.models import Community
from residents.exporter import FORMATS, register_export


class Command(BaseCommand):
    help = "Export a community's register with masked phones and ID-card numbers."

    def add_arguments(self, parser):
        parser.add_argument("--community", required=True, help="the community's slug")
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument("--output", required=True, help="file to write")

    def handle(self, *args, **options):
        community = Community.objects.filter(slug=options["community"]).first()
        if community is None:
            raise CommandError(f"No community with the slug {options['community']!r}.")
        data = register_export(community=community, fmt=options["format"])
        Path(options["output"]).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(data):,} bytes to {options['output']}"))
