"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's
live server, with axe-core for accessibility checks.

- Chromium is the system's /usr/bin/chromium (never `playwright install`). Without it the
  tests are skipped, unless VEERKRACHT_REQUIRE_BROWSER=1, which makes them fail.
- The sync API runs an event loop in the test thread, so Django's async-safety check is
  switched off (DJANGO_ALLOW_ASYNC_UNSAFE) before Playwright starts.
"""

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CHROMIUM = Path(os.environ.get("VEERKRACHT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
CBS_GEOJSON = "data/cbs-gemeenten-2023.geojson"

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM}"
        if os.environ.get("VEERKRACHT_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " and VEERKRACHT_REQUIRE_BROWSER=1")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser, live_server):
    """A fresh page whose relative URLs go to the live server; fails on script errors."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="nl-NL"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def reference_data(transactional_db):
    """The shipped CBS municipalities and the programme's reference vocabularies."""
    out = io.StringIO()
    call_command(
        "import_cbs_areas", str(Path(settings.BASE_DIR) / CBS_GEOJSON), verbosity=0, stdout=out
    )
    call_command("load_reference", verbosity=0, stdout=out)


def _format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            lines.append(f"    target {node['target']}: {node.get('failureSummary', '')!r}")
    return "\n".join(lines)


@pytest.fixture
def axe():
    """`axe(page)` runs axe-core (WCAG 2.1 A and AA) and fails on serious or critical issues."""
    script = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        pytest.fail(f"axe-core not found at {script}; run `npm ci`")
    source = script.read_text()

    def check(page, context=None) -> list[dict]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated through DevTools: an injected <script> element would be an inline
            # script, which the site's Content-Security-Policy refuses.
            page.evaluate(source)
        results = page.evaluate(
            """([context, tags]) => axe.run(context || document, {
                   runOnly: {type: "tag", values: tags},
                   resultTypes: ["violations"],
               })""",
            [context, AXE_TAGS],
        )
        blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            pytest.fail(
                f"axe-core found accessibility violations on {page.url}:\n"
                + _format_violations(blocking)
            )
        return results["violations"]

    return check
