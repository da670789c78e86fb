from django.core.management.base import BaseCommand, CommandError

from community.models import Community, Membership, User
from community.services import membership_grant


class Command(BaseCommand):
    help = (
        "Give a user a role in one community, or in every community of a street office "
        "(idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Membership.Role])
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--community", help="community slug")
        where.add_argument("--street-office", help="street office name: all its communities")

    def handle(self, *args, user, role, community, street_office, **options):
        account = User.objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"No user named {user!r}.")
        if community:
            communities = list(Community.objects.filter(slug=community))
        else:
            communities = list(Community.objects.filter(street_office__name=street_office))
        if not communities:
            raise CommandError(f"No community found for {community or street_office!r}.")
        for target in communities:
            membership_grant(community=target, user=account, role=role)
        self.stdout.write(f"{account.username} is {role} in {len(communities)} communities.")
