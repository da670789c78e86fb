"""Project-wide DRF pieces named in settings (kept apart from community.api to avoid an import
cycle: DRF imports these while building its generic views)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(PageNumberPagination):
    """50 rows a page by default; `page_size` up to 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc, context):
    """Django model validation errors become 400 with field names, like serializer errors.
    Every Http404 answers the generic, translated "Not found." (未找到。): Django's message
    names the model in English ("No Ticket matches the given query.")."""
    if isinstance(exc, Http404):
        exc = NotFound()
    elif isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    return drf_exception_handler(exc, context)
