import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

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


class Command(BaseCommand):
    help = "Create the demo communities, registry and accounts (running it again changes nothing)."

    def handle(self, *args, **options):
        started = time.monotonic()
        with transaction.atomic():
            for path in GENERATORS:
                summary = import_string(path)()
                self.stdout.write(f"{path}: {summary}")
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f} s")
        )
        self.stdout.write("\nOpen http://127.0.0.1:8000/ and log in with one of these accounts:")
        for account in ACCOUNTS:
            self.stdout.write(f"  {account.username:<10} {account.role.label}")
        self.stdout.write(f"  {ADMIN_USERNAME:<10} platform operator (Django admin at /admin/)")
        self.stdout.write(f"Password of every demo account: {PASSWORD}")
        self.stdout.write(
            "Communities: " + ", ".join(f"{c.name} (/c/{c.slug}/)" for c in demo_communities())
        )
