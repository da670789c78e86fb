"""Django admin for the platform operator: communities, compounds, organisations, memberships
and user accounts. Community staff work in the portal, not here."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Community, Compound, Membership, Organisation, User

admin.site.site_header = _("Gongzhi administration")
admin.site.site_title = _("Gongzhi administration")


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["community", "organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Preferences"), {"fields": ["language"]}),
    )
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_active"]
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name"]


class CompoundInline(admin.TabularInline):
    model = Compound
    extra = 0
    fields = ["name", "address", "land_area_m2", "green_area_m2", "property_company"]
    autocomplete_fields = ["property_company"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone", "street_office", "created_at"]
    list_filter = ["street_office", "timezone"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["street_office"]
    inlines = [CompoundInline]


@admin.register(Compound)
class CompoundAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "land_area_m2", "green_area_m2", "property_company"]
    list_filter = ["community", "property_company"]
    search_fields = ["name", "address", "community__name"]
    list_select_related = ["community", "property_company"]
    autocomplete_fields = ["community", "property_company"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active", "community", "organisation__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "community__name"]
    list_select_related = ["user", "community", "organisation"]
    autocomplete_fields = ["user", "community", "organisation"]


from .records import admin as records_admin  # noqa: E402, F401  (community records)
