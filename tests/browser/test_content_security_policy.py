"""The Content-Security-Policy holds in a real browser: the main pages load with the
policy enforced and Chromium reports no violation and no script error.

Chromium reports a refused inline script, inline style, `style` attribute or event
handler both as a console error and as a `securitypolicyviolation` event; the test
listens to both (the event through an init script, which DevTools injects outside the
page's policy). The maps, htmx and the print button must still work, so each page also
checks that its scripts ran.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from veerkracht.core.models import Municipality
from veerkracht.core.tests.factories import UserFactory
from veerkracht.initiatives.models import IntakeState, MatchMeeting
from veerkracht.initiatives.tests.factories import (
    InitiativeFactory,
    MatchDecisionFactory,
    MatchMeetingFactory,
)
from veerkracht.knowledge.tests.factories import ArticleFactory
from veerkracht.monitor.tests.factories_pages import IndexResultFactory, IndexRunFactory
from veerkracht.support.tests.factories import OfferFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `(${event.sourceFile || "?"}:${event.lineNumber}) ${event.sample || ""}`
  );
});
"""


@pytest.fixture
def csp_page(browser, live_server):
    """A page with the site's policy enforced; collects violations and script errors."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=False
    )
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error"
            and re.search(r"Content.Security.Policy|Permissions.Policy", message.text)
            else None
        ),
    )
    page.problems = problems
    yield page
    context.close()


def visit(page, path: str) -> None:
    """Load a page and fail on any policy violation or script error it caused."""
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: {response.status}"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "camera=()" in response.headers["permissions-policy"]
    page.wait_for_load_state("load")
    violations = page.evaluate("() => window.__cspViolations")
    problems = page.problems + [f"violation: {v}" for v in violations]
    page.problems.clear()
    assert not problems, f"{path}:\n" + "\n".join(problems)


def log_in(page, user) -> None:
    page.context.clear_cookies()
    visit(page, reverse("core:login"))
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/inloggen/"))


@pytest.fixture
def content(reference_data):
    oss = Municipality.objects.get(code="GM0828")
    initiative = InitiativeFactory(
        name="Repair Café Oss", municipality=oss, latitude=51.765, longitude=5.518
    )
    codes = list(
        Municipality.objects.filter(province_id="PV30")
        .order_by("code")
        .values_list("code", flat=True)
    )
    run = IndexRunFactory(synthetic=True)
    for n, code in enumerate(codes):
        IndexResultFactory(run=run, area_code=code, year=2023, index_class=n % 9 + 1)
    offer = OfferFactory()
    article = ArticleFactory()
    meeting = MatchMeetingFactory(status=MatchMeeting.Status.HELD)
    MatchDecisionFactory(
        meeting=meeting,
        initiative=InitiativeFactory(published=False, intake_state=IntakeState.FITS),
        outcome="fits",
    )
    return {
        "initiative": initiative,
        "offer": offer,
        "article": article,
        "meeting": meeting,
    }


def test_public_pages_keep_the_policy(csp_page, content):
    page = csp_page
    visit(page, "/")
    page.wait_for_selector('#home-map[data-loaded="true"]', state="attached")
    visit(page, reverse("core:area_list"))
    page.wait_for_selector('#areas-map[data-loaded="true"]', state="attached")
    visit(page, reverse("core:area_detail", args=["GM0828"]))
    visit(page, reverse("initiatives:map"))
    page.wait_for_selector('[data-loaded="true"]', state="attached")
    visit(page, reverse("initiatives:detail", args=[content["initiative"].slug]))
    visit(page, reverse("monitor:home"))
    page.wait_for_selector('#monitor-map[data-loaded="true"]', state="attached")
    visit(page, reverse("monitor:area_profile", args=["GM0828"]))
    visit(page, reverse("support:offer_list"))
    visit(page, reverse("support:offer_detail", args=[content["offer"].slug]))
    visit(page, reverse("support:forum"))
    visit(page, reverse("knowledge:article_list"))
    visit(page, reverse("knowledge:article_detail", args=[content["article"].slug]))
    visit(page, reverse("search:search") + "?q=repair")
    visit(page, reverse("initiatives:signup"))


def test_staff_pages_keep_the_policy(csp_page, content):
    page = csp_page
    log_in(page, UserFactory(roles=["programme_staff"]))
    visit(page, reverse("initiatives:dashboard"))
    visit(page, reverse("initiatives:staff_initiative_list"))
    visit(page, reverse("initiatives:staff_initiative", args=[content["initiative"].pk]))
    visit(page, reverse("initiatives:staff_meeting_minutes", args=[content["meeting"].pk]))
    # The print button is shown and wired by site.js, not by an onclick attribute.
    expect(page.locator("button[data-print]")).to_be_visible()
    visit(page, reverse("monitor:index_runs"))
    visit(page, reverse("support:matching_try"))


def test_admin_site_keeps_the_policy(csp_page, content):
    page = csp_page
    log_in(page, UserFactory(roles=["administrator"]))
    visit(page, reverse("core:audit_trail"))
    visit(page, "/beheer/")
    visit(page, "/beheer/core/organisation/")
    visit(page, "/beheer/core/organisation/add/")
    visit(page, "/beheer/core/user/")
    visit(page, "/beheer/axes/accessattempt/")
    # The admin's own scripts run: the "select all" checkbox of the change list works.
    visit(page, "/beheer/core/theme/")
    page.locator("#action-toggle").check()
    expect(page.locator("input.action-select").first).to_be_checked()
