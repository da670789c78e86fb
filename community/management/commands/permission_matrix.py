from django.core.management.base import BaseCommand

from community.permissions import as_markdown


class Command(BaseCommand):
    help = "Print the permission matrix as Markdown (docs/permissions.md is this output)."
    requires_system_checks: list = []

    def handle(self, *args, **options):
        self.stdout.write(as_markdown(), ending="")
