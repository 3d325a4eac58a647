"""Template helpers: `{% load veerkracht %}` then `{% if user|can:"audit.view" %}`."""

from django import template

from veerkracht.core.permissions import has_capability
from veerkracht.core.privacy import person_label as _person_label

register = template.Library()


@register.filter
def can(user, capability: str) -> bool:
    """Whether the user holds the capability (core.permissions); False for unknown ones."""
    try:
        return has_capability(user, capability)
    except KeyError:
        return False


@register.simple_tag(takes_context=True)
def person_label(context, person) -> str:
    """A person's name as the viewing user may see it (core.privacy: pseudonymised for
    viewers without `contact_details.view` when the person is not a colleague)."""
    return _person_label(context.get("user"), person)
