"""manage.py compute_metrics --community SLUG --period 2015 [--as-of ISO] [--json]

Without --json: a table of every figure, its translated label next to its key, the value in its
unit as the pages show it (reports.charts.value_format), and the reasons records were left out,
translated (reports.review.selectors.REASONS)."""

import json
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from community.models import Community
from reports.charts import number_format, value_format
from reports.metrics import metric_label
from reports.periods import Period
from reports.review.selectors import left_out_text
from reports.services import metrics_compute
from tickets.models import Category


class Command(BaseCommand):
    help = (
        "Compute and store every figure of a community for a period (2015, 2015-Q3, 2015-07) as "
        "of an instant; print {key: {value, numerator, denominator, n, excluded}} with --json."
    )

    def add_arguments(self, parser):
        parser.add_argument("--community", required=True, help="community slug")
        parser.add_argument("--period", required=True, help="2015 | 2015-Q3 | 2015-07")
        parser.add_argument(
            "--as-of",
            help="ISO 8601 instant (default now); without an offset it is read in the "
            "community's time zone",
        )
        parser.add_argument("--json", action="store_true", dest="as_json", help="print JSON")

    def handle(self, *args, community, period, as_of, as_json, **options):
        found = Community.objects.filter(slug=community).first()
        if found is None:
            raise CommandError(_("community: no community with slug “%s”") % community)
        try:
            parsed = Period.parse(period)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from error
        figures = metrics_compute(
            community=found, period=parsed, as_of=_instant(as_of, found) if as_of else None
        )
        if as_json:
            self.stdout.write(_dumps(figures))
        else:
            names = dict(Category.objects.filter(community=found).values_list("code", "name"))
            self.stdout.write(_table(figures, categories=names))


def _instant(text: str, community: Community) -> datetime:
    try:
        instant = datetime.fromisoformat(text)
    except ValueError as error:
        raise CommandError(_("as-of: “%s” is not an ISO 8601 instant") % text) from error
    if timezone.is_naive(instant):
        instant = instant.replace(tzinfo=community.tz)
    return instant


def _dumps(figures: dict[str, dict]) -> str:
    fields = ("value", "numerator", "denominator", "n", "excluded")
    return json.dumps(
        {key: {f: figure[f] for f in fields} for key, figure in figures.items()},
        ensure_ascii=False,
        indent=2,
    )


def _table(figures: dict[str, dict], *, categories: dict[str, str]) -> str:
    rows = [
        (
            _("Figure"),
            pgettext("metric", "Value"),
            _("Numerator"),
            _("Denominator"),
            "n",
            _("Left out"),
        )
    ]
    for key, f in figures.items():
        rows.append(
            (
                f"{metric_label(key, categories=categories)} ({key})",
                value_format(f["value"], f["unit"]),
                _number(f["numerator"]),
                _number(f["denominator"]),
                _number(f["n"]),
                left_out_text(f["excluded"]),
            )
        )
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = zip(row, widths, strict=True)
        lines.append("  ".join(cell + " " * (width - _width(cell)) for cell, width in cells))
    return "\n".join(lines)


def _number(number: float | None) -> str:
    """A numerator, denominator or n: thousands separators, one decimal when not whole."""
    if number is None:
        return ""
    return f"{int(number):,}" if float(number).is_integer() else number_format(number)


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
