"""The API base: every endpoint lives under `/api/v1/c/<slug>/` and is scoped to that community.

`CommunityViewSet` resolves the community through `community.tenancy` before anything else,
checks the permission matrix per HTTP method, and scopes `get_queryset` to the community.
"""

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers, serializers, viewsets
from rest_framework import permissions as drf_permissions
from rest_framework.exceptions import ParseError
from rest_framework.settings import api_settings

from .models import Membership, User
from .tenancy import method_action, tenancy_resolve
from .validators import MAX_ID, RECORD_UPLOAD_EXTENSIONS, record_upload_check


class JSONParser(parsers.JSONParser):
    """JSON bodies, refused with a translated 400 when they are not JSON in UTF-8, or when a
    string holds a lone surrogate (`"\\ud800"`, which can be neither stored nor echoed back in
    an error message) or a NUL (which PostgreSQL cannot store): either would answer 500 where
    no field checks it. That error names the top-level key holding it."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except ParseError as exc:
            cause = exc.__context__
            if isinstance(cause, json.JSONDecodeError):
                raise ParseError(
                    _("The request body is not valid JSON (line %(line)d, column %(column)d).")
                    % {"line": cause.lineno, "column": cause.colno}
                ) from exc
            if isinstance(cause, UnicodeDecodeError):
                raise ParseError(_("The request body is not UTF-8 text.")) from exc
            raise ParseError(_("The request body is not valid JSON.")) from exc
        if isinstance(data, dict):
            items = [(key, (key, value)) for key, value in data.items()]
        else:
            items = [(api_settings.NON_FIELD_ERRORS_KEY, data)]
        for name, value in items:
            for found, message in UNSTORABLE:
                if _holds(value, found):
                    key = api_settings.NON_FIELD_ERRORS_KEY if _holds(name, found) else name
                    raise serializers.ValidationError({key: [message]})
        return data


# Characters no text column can hold: what finds them in a string, and the error.
UNSTORABLE = [
    (
        lambda text: any("\ud800" <= c <= "\udfff" for c in text),
        _("The text contains a character that is not valid Unicode."),
    ),
    (
        lambda text: "\x00" in text,
        _("The text contains a NUL character (U+0000), which cannot be stored."),
    ),
]


def _holds(value, found) -> bool:
    if isinstance(value, str):
        return found(value)
    if isinstance(value, dict):
        return any(_holds(k, found) or _holds(v, found) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds(v, found) for v in value)
    return False


class MatrixPermission(drf_permissions.BasePermission):
    """Resolves the community (404 outside the user's memberships) and checks the matrix.
    Sets `view.tenancy`, `view.community` and `request.tenancy` (for filter sets).

    The view names its `resource`; POST actions may name another action with
    `@action(..., matrix_action="reveal")` semantics through `view.matrix_action`.
    """

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        view.tenancy = request.tenancy = tenancy_resolve(
            user=request.user, slug=view.kwargs["slug"], request=request
        )
        view.community = view.tenancy.community
        action = getattr(view, "matrix_action", None) or method_action(request.method)
        return view.tenancy.can(view.resource, action)


class CommunityViewSet(viewsets.GenericViewSet):
    """Base of every community-scoped API endpoint. Subclasses set `resource` and `queryset`."""

    resource: str = ""
    permission_classes = [MatrixPermission]
    parser_classes = [JSONParser, parsers.MultiPartParser, parsers.FormParser]

    def get_queryset(self):
        return super().get_queryset().filter(community=self.community)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["community"] = getattr(self, "community", None)
        return context

    def perform_create(self, serializer):
        serializer.save(community=self.community)


class CommunityRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key that only accepts rows of the request's community.

    Another community's id is refused as "does not exist", never revealed.
    """

    def get_queryset(self):
        return super().get_queryset().filter(community=self.context["community"])


class CommunityMemberField(serializers.PrimaryKeyRelatedField):
    """A user with an active membership in the request's community. Any other id is refused as
    "does not exist", so the API never confirms that another community's account exists."""

    queryset = User.objects.all()  # its model types the field in the OpenAPI schema

    def get_queryset(self):
        community = self.context["community"]
        members = Membership.objects.filter(community=community, is_active=True)
        return super().get_queryset().filter(pk__in=members.values("user_id"))


class IdField(serializers.IntegerField):
    """A row's id in a request body: a whole number from 1 to MAX_ID (beyond it the database
    overflows: a 500), as community.filters.IdFilter for query strings."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class InstantField(serializers.DateTimeField):
    """An aware instant (ISO 8601; a naive value is read in the current timezone). A value that
    cannot be an instant, such as a naive 0001-01-01T00:00 east of UTC, answers 400 naming the
    field, where DRF's own field lets the overflow through as a 500."""

    def enforce_timezone(self, value):
        try:
            return super().enforce_timezone(value)
        except OverflowError:
            self.fail("overflow")


class RecordFileField(serializers.FileField):
    """An uploaded file checked by `community.validators.record_upload_check` (size limit and,
    unless `extensions` is None, the type allowlist); the error names the field's label."""

    def __init__(self, *args, extensions=RECORD_UPLOAD_EXTENSIONS, **kwargs):
        super().__init__(*args, **kwargs)
        self.extensions = extensions

    def to_internal_value(self, data):
        upload = super().to_internal_value(data)
        label = self.label or self.field_name
        try:
            record_upload_check(upload, label=str(label), extensions=self.extensions)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages, code=exc.code) from None
        return upload


class ModelSerializer(serializers.ModelSerializer):
    """The API's model serializer: model datetimes become InstantField."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: InstantField,
    }
