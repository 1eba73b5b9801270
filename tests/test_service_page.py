"""The page at / in Debian's chromium, driven as a person would with the keyboard alone: fill the
form, submit, read the verdicts, the timeline and the side-by-side table, at a laptop width
(1366 px) and a phone width (390 px). Skips when chromium or playwright is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
sync_api = pytest.importorskip("playwright.sync_api")
from service_server import ServerThread  # noqa: E402

from cme_policy import evaluate, load_case  # noqa: E402
from cme_policy.service.config import ServiceConfig  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
TOKEN = "page-token-0123456789abcdef"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
CASE = ROOT / "examples/kent/absent_over_half_term.yaml"
#: Screenshots are written here when set (to look at them), else to the test's tmp_path.
SHOTS = os.environ.get("CME_POLICY_SCREENSHOTS")

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason="no chromium at /usr/bin/chromium")


@pytest.fixture(scope="module")
def server():
    with ServerThread(ServiceConfig(tokens=(TOKEN,))) as s:
        yield s


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except Exception as exc:  # a chromium that cannot start here: skip, do not fail
            pytest.skip(f"chromium did not start: {type(exc).__name__}")
        yield b
        b.close()


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching ``selector`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)], ids=["laptop", "phone"])
def test_try_a_case_with_the_keyboard_alone(server, browser, tmp_path, width, height):
    context = browser.new_context(
        viewport={"width": width, "height": height},
        http_credentials={"username": "caseworker", "password": TOKEN},  # the browser's own prompt
        locale="en-GB",
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "422" not in m.text else None)
    page.goto(server.url + "/")
    page.wait_for_selector("#policy option[value=kent]", state="attached")

    # Keyboard only: Tab to each control, choose, type, submit with Enter.
    tab_to(page, "#policy")
    page.keyboard.type("Kent")  # a select jumps to the option typed
    assert page.input_value("#policy") == "kent"
    tab_to(page, "#on")
    page.keyboard.type("03032025")  # 3 March 2025, the same day/month in any order
    assert page.input_value("#on") == "2025-03-03"
    tab_to(page, "#case-text")
    page.keyboard.insert_text(CASE.read_text())
    tab_to(page, "#submit")
    page.keyboard.press("Enter")

    page.wait_for_selector("#result:not([hidden])")
    # Focus moves to the answer, so a screen reader or keyboard user lands on it.
    assert page.evaluate("document.activeElement.id") == "result"
    expected = evaluate("kent", load_case(CASE), on="2025-03-03")
    cards = page.locator("#verdicts article")
    assert cards.count() == len(expected.actions)
    text = page.inner_text("#verdicts")
    for action in expected.actions:
        assert action.rule_id in text
    assert "Kent County Council" in page.inner_text("#summary")
    # The rules behind a verdict open from the keyboard.
    tab_to(page, "#verdicts details summary")
    page.keyboard.press("Enter")
    assert page.locator("#verdicts details").first.get_attribute("open") is not None
    assert page.locator("#verdicts details .rules li").first.is_visible()
    # The timeline and the same case under every authority.
    assert page.get_attribute("#timeline-img", "src").startswith("data:image/svg+xml;base64,")
    page.wait_for_function("document.getElementById('timeline-img').naturalWidth > 0")
    header = page.inner_text("#comparison-table thead")
    for name in ("Kent County Council", "Manchester City Council", "Derbyshire County Council"):
        assert name in header
    assert page.locator("#comparison-table tbody tr").count() >= 1
    # Nothing runs off the side at this width but the regions that scroll on purpose.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than the {width}px screen"
    shots = Path(SHOTS) if SHOTS else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"page-{width}.png"), full_page=True)

    # A case with problems: the errors are listed with their fields and lines, focus on them.
    page.fill("#case-text", "child:\n  date_of_birth: 2015-02-30\n")
    page.focus("#submit")
    page.keyboard.press("Enter")
    page.wait_for_selector("#errors:not([hidden])")
    assert page.evaluate("document.activeElement.id") == "errors"
    listed = page.inner_text("#error-list")
    assert "case.child.date_of_birth" in listed and "line 2" in listed
    assert errors == []
    context.close()
