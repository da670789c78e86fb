"""The metric registry: one function per dimension (METRICS.md, Keys).

Each dimension lives in one module of this package with a `figures(*, targets, as_of)`
function (signature in `base.py`), a `LABELS` dict {key: label}, a `PARAMETRISED_LABELS`
dict {"key[parameter": "label with {}"} and optionally `ARGUMENT_LABELS`
{"key[parameter": code -> label}. To add a dimension
(environment, safety, governance, ...), write its module and add one line to `DIMENSIONS`.
"""

from datetime import datetime

from . import environment, governance, participation, safety, team, tickets
from .base import Figure, Figures, Target

DIMENSIONS = {
    "tickets": tickets,
    "environment": environment,
    "safety": safety,
    "governance": governance,
    "participation": participation,
    "team": team,
}


def figures_compute(*, targets: list[Target], as_of: datetime) -> dict[Target, dict[str, Figure]]:
    """Every registered figure for each (community, period) target as of `as_of`:
    {target: {key: Figure}} (see figures_iterate)."""
    return dict(figures_iterate(targets=targets, as_of=as_of))


def figures_iterate(*, targets: list[Target], as_of: datetime) -> Figures:
    """Every registered figure of each (community, period) target as of `as_of`, as (target,
    {key: Figure}) pairs in the order of `targets` (each once). Every query runs when this is
    called, per dimension, not per target; each target's figures are built as the pairs are
    read (base.Figures).

    A target whose period ends on or before the community's `records_since` gets every figure
    as "no data" (value None, n None, excluded {"before_records_since": 1}); for the ticket
    figures the records may begin earlier (`Community.tickets_since`, set by an import).
    """
    targets = list(dict.fromkeys(targets))
    # Read now: a community loaded with these fields deferred would query while the figures
    # are read.
    before = {target: (target.before_records, target.before_ticket_records) for target in targets}
    read = [
        (module, module.figures(targets=targets, as_of=as_of)) for module in DIMENSIONS.values()
    ]

    def target_figures(target: Target) -> dict[str, Figure]:
        result: dict[str, Figure] = {}
        for module, pairs in read:
            found_for, found = next(pairs)
            assert found_for == target  # every dimension follows the order of `targets`
            if before[target][module is tickets]:
                found = {key: _before_records(figure) for key, figure in found.items()}
            result.update(found)
        return result

    return ((target, target_figures(target)) for target in targets)


def _before_records(figure: Figure) -> Figure:
    """A period that ends before the community's records begin has no data, not zeros: a
    count of 0 there would claim that nothing happened (and a change of +768 from it). Its n is
    unknown too (None, shown "—"), not 0."""
    return Figure(value=None, unit=figure.unit, n=None, excluded={"before_records_since": 1})


def metric_label(key: str, *, categories: dict[str, str] | None = None) -> str:
    """The translated label of a key, e.g. "tickets.closure_rate[category=lift]": a parameter
    reads as its module's ARGUMENT_LABELS say (a status, a disclosure kind), a category as its
    name in `categories` ({code: name}, the community's), else as written."""
    for module in DIMENSIONS.values():
        if key in module.LABELS:
            return str(module.LABELS[key])
        name, _, argument = key.partition("=")
        if name in module.PARAMETRISED_LABELS:
            code = argument.rstrip("]")
            if name.endswith("[category"):
                shown = (categories or {}).get(code, code)
            else:
                shown = getattr(module, "ARGUMENT_LABELS", {}).get(name, str)(code)
            return str(module.PARAMETRISED_LABELS[name]).format(shown)
    return key
