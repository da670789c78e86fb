"""Template helpers of the registry pages."""

from django import template

register = template.Library()


@register.filter
def can(tenancy, resource_action: str) -> bool:
    """`{% if tenancy|can:"unit:write" %}`: the permission matrix, for the viewer's roles."""
    resource, _sep, action = resource_action.partition(":")
    return bool(tenancy) and tenancy.can(resource, action)
