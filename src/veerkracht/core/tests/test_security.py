"""Security hardening: response headers, the JSON API's CSRF and media-type checks,
shorter sessions for staff, and lifting login lockouts in the admin site."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from veerkracht.core.models import AuditRecord
from veerkracht.core.sessions import EXPIRY_MARGIN
from veerkracht.settings import tile_source

from .factories import UserFactory

PASSWORD = "correct-horse-battery"
PACKAGE = Path(settings.PACKAGE_DIR)


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: (value[0] if value else "") for name, *value in parts}


# --- Content-Security-Policy and Permissions-Policy ---------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/gebieden/", "/inloggen/", "/beheer/login/", "/api/v1/themes", "/nope/"]
)
def test_every_response_carries_a_strict_policy(client, path):
    response = client.get(path)
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    features = dict(
        item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", feature


def test_tile_server_origin_for_the_policy():
    assert tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png") == (
        "https://*.tile.example.org"
    )
    assert tile_source("https://tiles.example.org:8443/wmts/{z}/{x}/{y}.png") == (
        "https://tiles.example.org:8443"
    )
    with pytest.raises(ImproperlyConfigured):
        tile_source("tiles.example.org/{z}/{x}/{y}.png")
    with pytest.raises(ImproperlyConfigured):
        tile_source("https://{a}.example.org/{z}/{x}/{y}.png")


INLINE = [
    (re.compile(r"<style[\s>]", re.I), "a <style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an event-handler attribute"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
]


def test_templates_have_no_inline_script_or_style():
    """The policy refuses inline code and styles; none of the templates may need them."""
    problems = []
    for template in sorted(PACKAGE.rglob("templates/**/*.html")):
        text = template.read_text()
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{template.relative_to(PACKAGE)}:{line}: {what}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_rendered_pages_have_no_inline_script_or_style(client):
    """json_script data blocks are not scripts; everything else comes from static files."""
    client.force_login(UserFactory(roles=["administrator"]))
    for path in ["/", "/gebieden/", "/werkbak/", "/audit/", "/monitor/", "/forum/"]:
        html = client.get(path).content.decode()
        html = re.sub(
            r"<script[^>]*type=\"application/json\"[^>]*>.*?</script>", "", html, flags=re.S
        )
        for pattern, what in INLINE:
            assert not pattern.search(html), f"{path}: {what}"


@pytest.mark.django_db
def test_htmx_is_told_not_to_inject_its_indicator_style(client):
    html = client.get("/").content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', html)
    assert config, "htmx-config meta missing"
    values = json.loads(config.group(1))
    assert values["includeIndicatorStyles"] is False
    assert values["allowEval"] is False
    css = (PACKAGE / "static/veerkracht/site.css").read_text()
    assert ".htmx-indicator" in css and ".htmx-request" in css


# --- the JSON API: CSRF for session writes, JSON bodies only ------------------------------

MATCH_URL = "/api/v1/matching/offers"
BODY = json.dumps({"text": "Wij zoeken hulp bij fondsenwerving"})


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


@pytest.mark.django_db
def test_anonymous_scripts_can_still_post_json(csrf_client):
    response = csrf_client.post(MATCH_URL, BODY, content_type="application/json")
    assert response.status_code == 200
    assert "results" in response.json()


@pytest.mark.django_db
def test_a_session_write_without_a_csrf_token_is_refused(csrf_client):
    csrf_client.force_login(UserFactory(roles=["match_team"]))
    response = csrf_client.post(MATCH_URL, BODY, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    # A wrong token is refused as well.
    csrf_client.get("/")
    response = csrf_client.post(
        MATCH_URL, BODY, content_type="application/json", HTTP_X_CSRFTOKEN="x" * 32
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_session_write_with_the_csrf_token_works(csrf_client):
    csrf_client.force_login(UserFactory(roles=["match_team"]))
    csrf_client.get("/")  # sets the csrftoken cookie, as the site's pages do
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(
        MATCH_URL, BODY, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_stale_session_cookie_still_needs_the_token(csrf_client):
    """The check keys on the cookie, not on who it belongs to: a browser sends it anyway."""
    csrf_client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    response = csrf_client.post(MATCH_URL, BODY, content_type="application/json")
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
    ],
)
def test_non_json_bodies_are_refused_with_415(csrf_client, content_type):
    response = csrf_client.post(MATCH_URL, BODY, content_type=content_type)
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]


@pytest.mark.django_db
def test_json_with_a_charset_and_reads_are_not_affected(csrf_client):
    response = csrf_client.post(MATCH_URL, BODY, content_type="application/json; charset=utf-8")
    assert response.status_code == 200
    csrf_client.force_login(UserFactory(roles=["match_team"]))
    assert csrf_client.get("/api/v1/themes").status_code == 200


# --- shorter sessions for staff -----------------------------------------------------------


def _log_in(client, user) -> None:
    response = client.post(reverse("core:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content


@pytest.mark.django_db
def test_a_staff_session_ends_after_30_idle_minutes(client):
    user = UserFactory(roles=["programme_staff"])
    with freeze_time() as clock:
        _log_in(client, user)
        clock.tick(timedelta(minutes=29))
        assert client.get(reverse("initiatives:dashboard")).status_code == 200
        clock.tick(timedelta(minutes=29))  # active 29 minutes ago: still in
        assert client.get(reverse("initiatives:dashboard")).status_code == 200
        clock.tick(timedelta(minutes=31))
        response = client.get(reverse("initiatives:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))
    page = client.get(response["Location"]).content.decode()
    assert "inactive for more than 30 minutes" in page


@pytest.mark.django_db
def test_a_staff_session_ends_12_hours_after_login_even_when_active(client):
    user = UserFactory(roles=["analyst"])
    with freeze_time() as clock:
        _log_in(client, user)
        for _step in range(36):  # a request every 20 minutes, for 12 hours
            clock.tick(timedelta(minutes=20))
            assert client.get(reverse("core:account")).status_code == 200
        clock.tick(timedelta(minutes=2))
        response = client.get(reverse("core:account"))
    assert response.status_code == 302
    assert "logged in for more than 12 hours" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_limits_follow_the_settings(client, settings):
    settings.VEERKRACHT_STAFF_SESSION_IDLE_MINUTES = 5
    user = UserFactory(roles=["contact_team"])
    with freeze_time() as clock:
        _log_in(client, user)
        clock.tick(timedelta(minutes=6))
        assert client.get(reverse("core:account")).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["initiator", "support_provider"])
def test_other_people_keep_the_normal_session(client, role):
    user = UserFactory(roles=[role])
    with freeze_time() as clock:
        _log_in(client, user)
        clock.tick(timedelta(hours=13))
        assert client.get(reverse("core:account")).status_code == 200


@pytest.mark.django_db
def test_the_session_cookie_of_staff_expires_with_the_idle_limit(client):
    _log_in(client, UserFactory(roles=["match_team"]))
    client.get(reverse("core:account"))
    idle = settings.VEERKRACHT_STAFF_SESSION_IDLE_MINUTES * 60
    assert client.session.get_expiry_age() == idle + EXPIRY_MARGIN


# --- login lockouts in the admin site -----------------------------------------------------


def _lock_out(email: str) -> None:
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("core:login"), {"username": email, "password": "wrong-password"})
    assert AccessAttempt.objects.filter(username=email).exists()


@pytest.mark.django_db
def test_an_administrator_sees_and_lifts_a_lockout(client):
    person = UserFactory(email="jan@example.org")
    _lock_out(person.email)
    assert (
        Client()
        .post(reverse("core:login"), {"username": person.email, "password": PASSWORD})
        .status_code
        == 429
    )

    client.force_login(UserFactory(roles=["administrator"]))
    listing = client.get("/beheer/axes/accessattempt/?locked_out=yes")
    assert listing.status_code == 200
    assert "jan@example.org" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username=person.email)
    response = client.post(
        "/beheer/axes/accessattempt/",
        {"action": "lift_lockout", "_selected_action": [attempt.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "can log in again" in response.content.decode()
    assert not AccessAttempt.objects.filter(username=person.email).exists()
    record = AuditRecord.objects.get(action="lockout.lift")
    assert record.object_id == str(attempt.pk)
    assert record.before["failures_since_start"] >= settings.AXES_FAILURE_LIMIT
    assert "jan@example.org" not in json.dumps(record.before)
    login = Client().post(reverse("core:login"), {"username": person.email, "password": PASSWORD})
    assert login.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["programme_staff", "analyst"])
def test_others_cannot_see_or_lift_lockouts(client, role):
    _lock_out("jan@example.org")
    client.force_login(UserFactory(roles=[role]))
    index = client.get("/beheer/")
    assert "accessattempt" not in index.content.decode()
    assert client.get("/beheer/axes/accessattempt/").status_code in (302, 403)
    attempt = AccessAttempt.objects.get()
    client.post(
        "/beheer/axes/accessattempt/",
        {"action": "lift_lockout", "_selected_action": [attempt.pk]},
    )
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


@pytest.mark.django_db
def test_lockout_records_cannot_be_edited_in_the_admin(client):
    _lock_out("jan@example.org")
    client.force_login(UserFactory(roles=["administrator"]))
    attempt = AccessAttempt.objects.get()
    page = client.get(f"/beheer/axes/accessattempt/{attempt.pk}/change/")
    assert page.status_code == 200  # read-only view
    assert 'name="_save"' not in page.content.decode()
    assert client.get("/beheer/axes/accessattempt/add/").status_code == 403
    assert timezone.now() >= attempt.attempt_time
