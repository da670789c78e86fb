"""The importer for service-request exports (issue 5, item 1; docs/import.md).

`load_mapping` reads a mapping file, `service_requests_import` streams a CSV export into tickets
and their events, following METRICS.md, "Imported and inconsistent records".
"""

from .mapping import Mapping, MappingError, load_mapping
from .rows import FLAGS, REASONS
from .services import ImportSummary, SourceError, service_requests_import

__all__ = [
    "FLAGS",
    "REASONS",
    "ImportSummary",
    "Mapping",
    "MappingError",
    "SourceError",
    "load_mapping",
    "service_requests_import",
]
