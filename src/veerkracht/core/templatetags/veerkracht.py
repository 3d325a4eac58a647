"""Template helpers: `{% load veerkracht %}` then `{% if user|can:"audit.view" %}`."""

from django import template

from veerkracht.core.permissions import has_capability

register = template.Library()


@register.filter
def can(user, capability: str) -> bool:
    """Whether the user holds the capability (core.permissions); False for unknown ones."""
    try:
        return has_capability(user, capability)
    except KeyError:
        return False
