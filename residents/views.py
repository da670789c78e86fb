"""Registry pages under /c/<slug>/registry/: lists with search, filters and pagination (50),
detail pages, create and edit forms (roles with `write`), reveal (`reveal`), import and export.

Access goes through CommunityPageMixin (404 outside the user's communities, 403 when the role
may not) and the selectors (404 for another community's row).
"""

import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, View

from community import permissions
from community.tenancy import CommunityPageMixin

from . import selectors, services
from .exporter import FORMATS, register_export
from .filters import BuildingFilter, HouseholdFilter, ResidentFilter, UnitFilter
from .forms import (
    BuildingForm,
    HouseholdForm,
    RegisterImportForm,
    ResidentForm,
    RevealForm,
    UnitForm,
    form_add_service_errors,
)
from .importer import COLUMN_HEADERS, ImportFileError, mapping_parse, register_import
from .models import IdentityAccessLog

PAGE_SIZE = 50


class RegistryListView(CommunityPageMixin, ListView):
    """A filtered, paginated list; subclasses name `resource`, `filterset_class` and
    `list_selector`. The context has `filterset`, `query` (the filters, for page links) and
    `can_write`."""

    paginate_by = PAGE_SIZE
    filterset_class = None
    list_selector = None

    def get_queryset(self):
        queryset = self.list_selector(community=self.community)
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=queryset, request=self.request
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filterset=self.filterset,
            query=query.urlencode(),
            can_write=self.tenancy.can(self.resource, permissions.WRITE),
            **kwargs,
        )


class RegistryDetailView(CommunityPageMixin, DetailView):
    """One row through its selector (404 for another community's row)."""

    get_selector = None

    def get_object(self, queryset=None):
        return self.get_selector(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_write=self.tenancy.can(self.resource, permissions.WRITE), **kwargs
        )


class RegistryFormView(CommunityPageMixin, FormView):
    """Create (no `pk` in the URL) or edit through a service. Opening the form needs `write`
    too. Subclasses implement `save(data)` and name `get_selector` for edits."""

    template_name = "residents/form.html"
    get_selector = None
    object = None

    def get(self, request, *args, **kwargs):
        if not self.tenancy.can(self.resource, permissions.WRITE):
            raise PermissionDenied
        self.load()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.load()
        return super().post(request, *args, **kwargs)

    def load(self) -> None:
        """The row being edited (404 when it is not this community's)."""
        if "pk" in self.kwargs:
            self.object = self.get_selector(
                community=self.community, user=self.request.user, pk=self.kwargs["pk"]
            )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["community"] = self.community
        if self.object is not None:
            kwargs["initial"] = self.form_class.initial_for(self.object)
        return kwargs

    def form_valid(self, form):
        try:
            saved = self.save(form)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect(self.detail_url(saved))

    def detail_url(self, obj) -> str:
        return reverse(f"residents:{self.resource}-detail", args=[self.community.slug, obj.pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            object=self.object,
            heading=self.heading(),
            cancel_url=self.detail_url(self.object)
            if self.object
            else reverse(f"residents:{self.resource}-list", args=[self.community.slug]),
            **kwargs,
        )


# Buildings


class BuildingListView(RegistryListView):
    template_name = "residents/building_list.html"
    resource = "building"
    filterset_class = BuildingFilter
    list_selector = staticmethod(selectors.building_list)

    def get_context_data(self, **kwargs):
        compounds = selectors.compound_list(community=self.community)
        return super().get_context_data(compounds=compounds, **kwargs)


class BuildingDetailView(RegistryDetailView):
    template_name = "residents/building_detail.html"
    resource = "building"
    get_selector = staticmethod(selectors.building_get)

    def get_context_data(self, **kwargs):
        units = selectors.unit_list(community=self.community).filter(building=self.object)
        return super().get_context_data(units=units, **kwargs)


class BuildingFormView(RegistryFormView):
    resource = "building"
    form_class = BuildingForm
    get_selector = staticmethod(selectors.building_get)

    def heading(self):
        return _("Edit building") if self.object else _("New building")

    def save(self, form):
        if self.object:
            return services.building_update(building=self.object, data=form.cleaned_data)
        return services.building_create(community=self.community, **form.cleaned_data)


# Units


class UnitListView(RegistryListView):
    template_name = "residents/unit_list.html"
    resource = "unit"
    filterset_class = UnitFilter
    list_selector = staticmethod(selectors.unit_list)

    def get_context_data(self, **kwargs):
        buildings = selectors.building_list(community=self.community)
        return super().get_context_data(buildings=buildings, **kwargs)


class UnitDetailView(RegistryDetailView):
    template_name = "residents/unit_detail.html"
    resource = "unit"
    get_selector = staticmethod(selectors.unit_get)

    def get_context_data(self, **kwargs):
        households = selectors.household_list(community=self.community).filter(unit=self.object)
        return super().get_context_data(households=households, **kwargs)


class UnitFormView(RegistryFormView):
    resource = "unit"
    form_class = UnitForm
    get_selector = staticmethod(selectors.unit_get)

    def heading(self):
        return _("Edit unit") if self.object else _("New unit")

    def get_initial(self):
        return {"building": self.request.GET.get("building")}

    def save(self, form):
        if self.object:
            return services.unit_update(unit=self.object, data=form.cleaned_data)
        return services.unit_create(community=self.community, **form.cleaned_data)


# Households


class HouseholdListView(RegistryListView):
    template_name = "residents/household_list.html"
    resource = "household"
    filterset_class = HouseholdFilter
    list_selector = staticmethod(selectors.household_list)

    def get_context_data(self, **kwargs):
        buildings = selectors.building_list(community=self.community)
        return super().get_context_data(buildings=buildings, **kwargs)


class HouseholdDetailView(RegistryDetailView):
    template_name = "residents/household_detail.html"
    resource = "household"
    get_selector = staticmethod(selectors.household_get)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.tenancy.can("resident", permissions.READ):
            context["residents"] = selectors.resident_list(community=self.community).filter(
                household=self.object
            )
            context["can_add_resident"] = self.tenancy.can("resident", permissions.WRITE)
        return context


class HouseholdFormView(RegistryFormView):
    resource = "household"
    form_class = HouseholdForm
    get_selector = staticmethod(selectors.household_get)

    def heading(self):
        return _("Edit household") if self.object else _("New household")

    def get_initial(self):
        return {"unit": self.request.GET.get("unit")}

    def save(self, form):
        if self.object:
            return services.household_update(household=self.object, data=form.cleaned_data)
        return services.household_create(community=self.community, **form.cleaned_data)


# Residents


class ResidentListView(RegistryListView):
    template_name = "residents/resident_list.html"
    resource = "resident"
    filterset_class = ResidentFilter
    list_selector = staticmethod(selectors.resident_list)

    def get_context_data(self, **kwargs):
        buildings = selectors.building_list(community=self.community)
        return super().get_context_data(
            buildings=buildings,
            can_export=self.tenancy.can("register_export", permissions.READ),
            can_import=self.tenancy.can("register_import", permissions.WRITE),
            **kwargs,
        )


class ResidentDetailView(RegistryDetailView):
    """A resident with masked identifiers; `reveal` holders get the reveal forms, and see the
    access log."""

    template_name = "residents/resident_detail.html"
    resource = "resident"
    get_selector = staticmethod(selectors.resident_get)
    revealed: dict | None = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(revealed=self.revealed, **kwargs)
        if self.tenancy.can("resident", permissions.REVEAL):
            context["can_reveal"] = True
            context["access_log"] = selectors.access_log_for_resident(resident=self.object)[:20]
            context["reveal_forms"] = {
                f: RevealForm(initial={"field": f}, auto_id=f"id_{f}_%s")
                for f in IdentityAccessLog.Field
            }
        return context


class ResidentRevealView(ResidentDetailView):
    """POST {field, reason}: renders the resident page with that identifier in full, after
    writing the access log (services.resident_reveal). Needs the matrix action `reveal`."""

    action_for_post = permissions.REVEAL
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        field = request.POST.get("field", "")
        known = field in IdentityAccessLog.Field.values
        form = RevealForm(request.POST, auto_id=f"id_{field}_%s" if known else "id_%s")
        if form.is_valid():
            try:
                value = services.resident_reveal(
                    resident=self.object, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                self.revealed = {field: value}
        context = self.get_context_data(object=self.object)
        if form.errors and known:
            context["reveal_forms"][field] = form
        response = self.render_to_response(context, status=400 if form.errors else 200)
        add_never_cache_headers(response)  # the page holds the identifier in full
        return response


class ResidentFormView(RegistryFormView):
    """New residents are added from their household's page (`household_pk` in the URL)."""

    resource = "resident"
    form_class = ResidentForm
    get_selector = staticmethod(selectors.resident_get)

    household = None

    def heading(self):
        return _("Edit resident") if self.object else _("New resident")

    def load(self) -> None:
        super().load()
        if self.object is None:
            self.household = selectors.household_get(
                community=self.community, user=self.request.user, pk=self.kwargs["household_pk"]
            )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "resident": self.object}

    def get_context_data(self, **kwargs):
        household = self.household or self.object.household
        return super().get_context_data(household=household, **kwargs)

    def save(self, form):
        if self.object:
            return services.resident_update(resident=self.object, data=form.changes())
        return services.resident_create(
            community=self.community, household=self.household, **form.cleaned_data
        )


# Import and export


class RegisterExportView(CommunityPageMixin, View):
    """GET ?format=xlsx|csv: the whole register, masked and formula-safe (exporter.py)."""

    resource = "register_export"

    def get(self, request, slug):
        fmt = request.GET.get("format", "xlsx")
        if fmt not in FORMATS:
            raise Http404
        data = register_export(community=self.community, fmt=fmt)
        response = HttpResponse(data, content_type=FORMATS[fmt])
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = (
            f'attachment; filename="{self.community.slug}-register-{stamp}.{fmt}"'
        )
        return response


class RegisterImportView(CommunityPageMixin, FormView):
    """Upload a register: the first POST stores the file and runs a dry run (the errors table,
    or what would be created); the second POST (`token`) commits that same file, all or
    nothing. Uploads older than a day are removed."""

    template_name = "residents/register_import.html"
    resource = "register_import"
    form_class = RegisterImportForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            headers=COLUMN_HEADERS,
            compounds=selectors.compound_list(community=self.community),
            can_write=self.tenancy.can(self.resource, permissions.WRITE),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if "token" in request.POST:
            return self.commit(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        mapping_text = ""
        if form.cleaned_data["mapping"]:
            try:
                mapping_text = form.cleaned_data["mapping"].read().decode("utf-8-sig")
            except UnicodeDecodeError:
                form.add_error("mapping", _("Save the mapping file as UTF-8."))
                return self.form_invalid(form)
        path = self._store(form.cleaned_data["file"])
        return self._run(form, path, form.cleaned_data["compound"], mapping_text, dry_run=True)

    def commit(self, request):
        path = self._path(request.POST.get("token", ""))
        compound = request.POST.get("compound", "")
        if path is None or not compound:
            messages.error(request, _("This upload has expired. Upload the file again."))
            return redirect("residents:register-import", self.community.slug)
        return self._run(
            self.get_form_class()(),
            path,
            compound,
            request.POST.get("mapping", ""),
            dry_run=False,
        )

    def _run(self, form, path: Path, compound: str, mapping_text: str, *, dry_run: bool):
        """Dry run or commit of the stored upload `path`; the errors table or a redirect."""
        try:
            report = register_import(
                community=self.community,
                compound_name=compound,
                source=path,
                filename=path.name,
                mapping=mapping_parse(mapping_text) if mapping_text else None,
                dry_run=dry_run,
                actor=self.request.user,
            )
        except ImportFileError as exc:
            path.unlink(missing_ok=True)
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        if report.committed:
            path.unlink(missing_ok=True)
            messages.success(
                self.request,
                _(
                    "Imported %(rows)d rows: %(households)d new households, "
                    "%(residents)d new residents."
                )
                % {"rows": report.rows, **report.created},
            )
            return redirect("residents:resident-list", self.community.slug)
        return self.render_to_response(
            self.get_context_data(
                form=form,
                report=report,
                token=path.name,
                compound=compound,
                mapping_text=mapping_text,
            ),
            status=200 if report.ok else 400,
        )

    def _directory(self) -> Path:
        directory = Path(settings.MEDIA_ROOT) / "register-imports" / str(self.community.pk)
        directory.mkdir(parents=True, exist_ok=True)
        return directory

    def _store(self, upload) -> Path:
        directory = self._directory()
        for old in directory.iterdir():
            if old.stat().st_mtime < time.time() - 86400:
                old.unlink(missing_ok=True)
        path = directory / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return path

    def _path(self, token: str) -> Path | None:
        """The stored upload named by `token` (only a name this view made, in this
        community's directory), or None."""
        stem, _dot, suffix = token.partition(".")
        if len(stem) != 32 or not all(c in "0123456789abcdef" for c in stem):
            return None
        if suffix not in ("xlsx", "csv"):
            return None
        path = self._directory() / token
        return path if path.exists() else None
