"""Fixtures of the knowledge base tests."""

import pytest

from veerkracht.core.models import Role
from veerkracht.core.tests.factories import UserFactory


@pytest.fixture
def editor():
    return UserFactory(roles=[Role.Code.PROGRAMME_STAFF], full_name="Eva Editor")


@pytest.fixture
def reader():
    return UserFactory(roles=[Role.Code.INITIATOR])


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Attachments go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
