"""Template helpers of the base layout."""

from django import template

from community import nav
from community.models import Membership

register = template.Library()


@register.simple_tag
def community_nav(tenancy, path=""):
    """`{% community_nav tenancy request.path as sections %}`: [(section label, [NavLink])] of
    the header's menu."""
    return nav.links_for(tenancy, path, header=True) if tenancy else []


@register.filter
def role_labels(roles) -> list[str]:
    """The translated names of `Membership.Role` values, in the matrix's role order."""
    return [role.label for role in Membership.Role if role in roles]


@register.filter
def bootstrap(field):
    """Render a form field's widget with Bootstrap's classes (`is-invalid` when it has errors)."""
    css = "form-select" if field.widget_type in ("select", "selectmultiple") else "form-control"
    if field.widget_type == "checkbox":
        css = "form-check-input"
    if field.errors:
        css += " is-invalid"
    attrs = {"class": css}
    if field.errors:
        attrs["aria-describedby"] = f"{field.auto_id}_errors"
    elif field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}_help"
    return field.as_widget(attrs=attrs)
