"""Shared pytest setup: settings for tests, and the switches CI uses to forbid skips.

- VEERKRACHT_REQUIRE_BROWSER=1: browser tests fail instead of skipping when Chromium
  is missing.
- VEERKRACHT_REQUIRE_POSTGRES=1: the run fails unless it runs on PostgreSQL.
"""

import os

import pytest

os.environ.setdefault("VEERKRACHT_ENV", "test")


def pytest_configure(config):
    from django.conf import settings

    # WhiteNoise warns on every request when STATIC_ROOT does not exist yet.
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


@pytest.fixture(scope="session", autouse=True)
def _require_database_vendor(django_db_setup, django_db_blocker):
    if os.environ.get("VEERKRACHT_REQUIRE_POSTGRES") == "1":
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.exit(
                "VEERKRACHT_REQUIRE_POSTGRES=1 but the tests run on " + connection.vendor, 3
            )
