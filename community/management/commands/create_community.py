import getpass
import secrets
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from community.models import Organisation
from community.services import community_create


class Command(BaseCommand):
    help = (
        "Create a community with its neighbourhood committee and first committee-staff account. "
        "Asks for the staff password in a terminal; otherwise generates one and prints it."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="URL name, e.g. xingfuli (the portal lives at /c/<slug>/)")
        parser.add_argument("name", help="display name, e.g. 幸福里社区")
        parser.add_argument("--staff-username", required=True)
        parser.add_argument("--staff-email", required=True)
        parser.add_argument("--timezone", default="Asia/Shanghai", help="IANA time zone")
        parser.add_argument(
            "--street-office", help="name of the street office (created when missing)"
        )

    def handle(self, *args, **options):
        generated = not sys.stdin.isatty()
        password = secrets.token_urlsafe(12) if generated else _ask_password()
        try:
            with transaction.atomic():
                street_office = None
                if options["street_office"]:
                    street_office, _ = Organisation.objects.get_or_create(
                        kind=Organisation.Kind.STREET_OFFICE, name=options["street_office"]
                    )
                community, user = community_create(
                    slug=options["slug"],
                    name=options["name"],
                    timezone=options["timezone"],
                    street_office=street_office,
                    staff_username=options["staff_username"],
                    staff_email=options["staff_email"],
                    staff_password=password,
                )
        except ValidationError as error:
            raise CommandError(_describe(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Created {community.name} at /c/{community.slug}/")
            + f"\nCommittee staff: {user.username}"
        )
        if generated:
            self.stdout.write(f"Generated password: {password}")


def _ask_password() -> str:
    password = getpass.getpass("Password for the staff account: ")
    if password != getpass.getpass("Password (again): "):
        raise CommandError("The two passwords differ.")
    try:
        validate_password(password)
    except ValidationError as error:
        raise CommandError(" ".join(error.messages)) from error
    return password


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
    return " ".join(error.messages)
