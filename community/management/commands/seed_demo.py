import os
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from community.demo import ACCOUNTS, ADMIN_USERNAME, PASSWORD, demo_communities

# Each app's demo generator, in dependency order: `seed() -> str` (a one-line summary),
# deterministic and idempotent. Add yours here in one line.
GENERATORS = [
    "community.demo.seed",
    "residents.demo.seed",
    "community.demo.history",
    "tickets.demo.seed_demo",
    "community.records.demo.seed_demo",
    "property_ops.demo.seed_demo",
    "complaints.demo.seed_demo",
    "reports.demo.seed_demo",
]


def serve_url() -> str:
    """The address scripts/run.sh serves on: runserver 127.0.0.1:${PORT:-8000} (an empty PORT
    is 8000 too)."""
    return f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}/"


class Command(BaseCommand):
    help = "Create the demo communities, registry and accounts (running it again changes nothing)."

    def handle(self, *args, **options):
        started = time.monotonic()
        with transaction.atomic():
            for path in GENERATORS:
                summary = import_string(path)()
                self.stdout.write(f"{path}: {summary}")
        # The closing lines in the site's language (LANGUAGE_CODE), as the role names are.
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo data ready in %(seconds).1f s") % {"seconds": time.monotonic() - started}
            )
        )
        self.stdout.write(
            "\n" + _("Open %(url)s and log in with one of these accounts:") % {"url": serve_url()}
        )
        for account in ACCOUNTS:
            self.stdout.write(f"  {account.username:<10} {account.role.label}")
        self.stdout.write(
            f"  {ADMIN_USERNAME:<10} " + _("platform operator (Django admin at /admin/)")
        )
        self.stdout.write(
            _("Password of every demo account: %(password)s") % {"password": PASSWORD}
        )
        self.stdout.write(_("Communities:"))
        for community in demo_communities():
            self.stdout.write(f"  {community.name}  /c/{community.slug}/")
