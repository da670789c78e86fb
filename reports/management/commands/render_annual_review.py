"""manage.py render_annual_review --community SLUG --year 2015 --output PATH.pdf"""

import hashlib
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils.translation import gettext as _

from community.models import Community
from reports.review.pdf import review_pdf
from reports.review.selectors import annual_review_get, review_data
from reports.review.services import review_figures_ensure


class Command(BaseCommand):
    help = (
        "Render the annual review of a community and year to a PDF file, computing its figures "
        "first when they are missing; print the seconds taken and the file's SHA-256."
    )

    def add_arguments(self, parser):
        parser.add_argument("--community", required=True, help="community slug")
        parser.add_argument("--year", required=True, type=int, help="e.g. 2015")
        parser.add_argument("--output", required=True, help="path of the PDF to write")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[c for c, _n in settings.LANGUAGES],
        )

    def handle(self, *args, community, year, output, language, **options):
        found = Community.objects.filter(slug=community).first()
        if found is None:
            raise CommandError(_("community: no community with slug “%s”") % community)
        started = time.monotonic()
        try:
            review = annual_review_get(community=found, year=year)
        except Http404 as error:
            raise CommandError(_("year: %s is outside 2000 to this year") % year) from error
        computed = review_figures_ensure(community=found, year=year)
        figures_done = time.monotonic()
        body = review_pdf(review_data(community=found, year=year, review=review), language=language)
        Path(output).write_bytes(body)
        finished = time.monotonic()
        self.stdout.write(
            f"{output}: {len(body):,} bytes, {finished - started:.2f} s "
            f"(figures {'computed' if computed else 'stored'} {figures_done - started:.2f} s, "
            f"PDF {finished - figures_done:.2f} s)\nSHA-256 {hashlib.sha256(body).hexdigest()}"
        )
