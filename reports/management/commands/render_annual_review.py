"""manage.py render_annual_review --community SLUG --year 2015 --output PATH.pdf"""

import hashlib
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import translation
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
        with translation.override(language):  # the labels the data carries too, not only the PDF's
            data = review_data(community=found, year=year, review=review)
            body = review_pdf(data, language=language)
        Path(output).write_bytes(body)
        finished = time.monotonic()
        figures = _("figures computed") if computed else _("figures stored")
        self.stdout.write(
            _(
                "%(output)s: %(size)s bytes, %(total).2f s (%(figures)s %(figures_s).2f s, "
                "PDF %(pdf_s).2f s)"
            )
            % {
                "output": output,
                "size": f"{len(body):,}",
                "total": finished - started,
                "figures": figures,
                "figures_s": figures_done - started,
                "pdf_s": finished - figures_done,
            }
            + f"\nSHA-256 {hashlib.sha256(body).hexdigest()}"
        )
