from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
            raise CommandError(_("No user named “%(user)s”.") % {"user": user})
        if community:
            communities = list(Community.objects.filter(slug=community))
        else:
            communities = list(Community.objects.filter(street_office__name=street_office))
        if not communities:
            raise CommandError(
                _("No community found for “%(name)s”.") % {"name": community or street_office}
            )
        for target in communities:
            membership_grant(community=target, user=account, role=role)
        # Output in the site's language (LANGUAGE_CODE), as the role names are.
        self.stdout.write(
            ngettext(
                "%(user)s is %(role)s in %(count)d community.",
                "%(user)s is %(role)s in %(count)d communities.",
                len(communities),
            )
            % {
                "user": account.username,
                "role": Membership.Role(role).label,
                "count": len(communities),
            }
        )
