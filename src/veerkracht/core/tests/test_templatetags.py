import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template

from .factories import UserFactory

TEMPLATE = Template('{% load veerkracht %}{% if user|can:"audit.view" %}yes{% else %}no{% endif %}')


@pytest.mark.django_db
@pytest.mark.parametrize(("roles", "expected"), [(["administrator"], "yes"), (["analyst"], "no")])
def test_can_filter_follows_the_capability_table(roles, expected):
    assert TEMPLATE.render(Context({"user": UserFactory(roles=roles)})) == expected


def test_can_filter_is_false_for_anonymous_and_unknown_capabilities():
    assert TEMPLATE.render(Context({"user": AnonymousUser()})) == "no"
    unknown = Template('{% load veerkracht %}{{ user|can:"no.such" }}')
    assert unknown.render(Context({"user": AnonymousUser()})) == "False"
