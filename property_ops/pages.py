"""Generic community record pages: a filtered, searchable, paginated list; a detail page; a
form page that hands `cleaned_data` to a service. The safety and operations logs and the
disputes (complaints/) are built from these.

Every page inherits CommunityPageMixin (404 outside the user's communities, 403 when the role
may not) and runs with the community's time zone active, so times show and are entered in
local time.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms import HiddenInput
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView, TemplateView

from community import permissions
from community.tenancy import CommunityPageMixin

from .forms import style


class LocalTimeMixin:
    """Runs the view and renders its response with the community's time zone active. Placed
    after CommunityPageMixin, which sets `self.community` before calling on."""

    def dispatch(self, request, *args, **kwargs):
        with timezone.override(self.community.tz):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response


def display(obj: Any, column: str | Callable[[Any], Any]) -> Any:
    """The shown value of `column` (an attribute path like "facility.name", or a callable) on
    `obj`: choice labels, local times, "—" for nothing."""
    if callable(column):
        value = column(obj)
    else:
        *path, name = column.split(".")
        for step in path:
            obj = getattr(obj, step)
            if obj is None:
                return "—"
        getter = getattr(obj, f"get_{name}_display", None)
        value = getter() if getter else getattr(obj, name)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, date):
        return formats.date_format(value, "Y-m-d")
    return value


def field_label(model: type[models.Model], column: str) -> str:
    """The verbose name of a model field (following a dotted path)."""
    *path, name = column.split(".")
    for step in path:
        model = model._meta.get_field(step).related_model
    return model._meta.get_field(name).verbose_name


class RecordPage(CommunityPageMixin, LocalTimeMixin):
    """Shared context: `can_write` for the page's resource, and URL helpers."""

    app: str = "property_ops"

    def url(self, name: str, **kwargs) -> str:
        return reverse(f"{self.app}:{name}", kwargs={"slug": self.community.slug, **kwargs})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_write"] = self.tenancy.can(self.resource, permissions.WRITE)
        return context


class RecordListView(RecordPage, ListView):
    """A list with the FilterSet's form (search box and filters) and 50 rows a page.

    Subclasses set `resource`, `title`, `list_selector`, `filterset_class`, `columns`
    ([(label, attribute path or callable)]; the first links to the detail page named
    `detail_url_name`, or, with `links_to_edit`, to an edit page shown only to roles that may
    write) and optionally `create_url_name` and `extra_links` ([(label, url name)]).
    """

    template_name = "property_ops/record_list.html"
    paginate_by = 50
    title = ""
    columns: list[tuple[str, Any]] = []
    detail_url_name = ""
    links_to_edit = False
    create_url_name = ""
    extra_links: list[tuple[str, str]] = []

    def visible_columns(self) -> list[tuple[str, Any]]:
        """The columns this viewer sees (all of `columns` unless a subclass hides some)."""
        return self.columns

    def list_queryset(self):
        """The rows before filtering: the selector's, for the community."""
        return self.list_selector(community=self.community)

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=self.list_queryset()
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        filter_form = self.filterset.form
        style(filter_form)
        linked = context["can_write"] or not self.links_to_edit
        columns = self.visible_columns()
        for name, field in filter_form.fields.items():
            # Id filters (a facility's records, a service's uses) come from links, not typing.
            if self.filterset.filters[name].field_name.endswith("_id"):
                field.widget = HiddenInput()
        context.update(
            title=self.title,
            filter_form=filter_form,
            headers=[label for label, _column in columns],
            rows=[
                (
                    self.url(self.detail_url_name, pk=obj.pk) if linked else "",
                    [display(obj, column) for _label, column in columns],
                )
                for obj in context["object_list"]
            ],
            query=query.urlencode(),
            create_url=(
                self.url(self.create_url_name)
                if self.create_url_name and context["can_write"]
                else ""
            ),
            extra_links=[(label, self.url(name)) for label, name in self.extra_links],
        )
        return context


class RecordDetailView(RecordPage, TemplateView):
    """One record: its `fields` (attribute paths, labelled by the model's verbose names) and, in
    subclass templates, its related rows. Subclasses set `resource`, `get_selector`, `fields`,
    `list_url_name` and optionally `edit_url_name`."""

    template_name = "property_ops/record_detail.html"
    fields: list[str] = []
    list_url_name = ""
    edit_url_name = ""

    def get_object(self):
        return self.get_selector(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object = self.get_object()
        context.update(
            object=obj,
            title=str(obj),
            verbose_name=obj._meta.verbose_name,
            field_rows=[(field_label(type(obj), f), display(obj, f)) for f in self.fields],
            list_url=self.url(self.list_url_name),
            edit_url=(
                self.url(self.edit_url_name, pk=obj.pk)
                if self.edit_url_name and context["can_write"]
                else ""
            ),
        )
        return context


class RecordFormView(RecordPage, FormView):
    """A create, edit or action form. Subclasses set `resource`, `form_class`, `title` and
    implement `save(form)`, which calls a service and returns the record to show next
    (`success_url_name` with its pk). A ValidationError from the service is shown on the form,
    on its field when it names one; nothing is saved."""

    template_name = "property_ops/record_form.html"
    title = ""
    success_url_name = ""
    # Action pages of one record (a status change, a step, a sub-record) name its selector:
    # the record is fetched (404 when not the community's) before the form is shown or read.
    parent_selector = None

    def resolve_parent(self) -> None:
        if self.parent_selector is not None:
            self.parent = self.parent_selector(
                community=self.community, user=self.request.user, pk=self.kwargs["pk"]
            )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["community"] = self.community
        instance = self.get_instance()
        if instance is not None:
            kwargs["instance"] = instance
        return kwargs

    def get(self, request, *args, **kwargs):
        # Every form page writes: a role that may only read is refused the empty form too.
        if not self.tenancy.can(self.resource, permissions.WRITE):
            raise PermissionDenied
        self.resolve_parent()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.resolve_parent()
        return super().post(request, *args, **kwargs)

    def get_instance(self):
        """The record an edit form starts from (None for a create or action form)."""
        return None

    def form_valid(self, form):
        try:
            obj = self.save(form)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.url(self.success_url_name, pk=obj.pk))

    def get_cancel_url(self) -> str:
        """Where "Cancel" leads: the record's detail page, else the list."""
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        context["cancel_url"] = self.get_cancel_url()
        return context
