"""The reports a person reads, laid out in headless Chromium at 1,366 px (a laptop) and 390 px
(a phone), checked by measuring the page in the browser (no pixel comparisons).

* ``compare --format html``: nothing wider than the window, at either width.
* ``explain --format html``: nothing wider than the window on a laptop.
* the SVG timeline: every text at least 14 px, no text overlapping another, no line crossing a
  text, nothing outside the drawing; the busy Kent dormant example among the cases.

Skipped where /usr/bin/chromium is not installed. The pages are loaded concurrently, one
Chromium each, so the module takes a few seconds.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from cme_policy.authoring.explain import explain
from cme_policy.authoring.timeline import build_timeline, render_svg
from cme_policy.case import load_case
from cme_policy.compliance.compare import compare_packs
from cme_policy.compliance.render import render_comparison
from cme_policy.pack.load import load_policy

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
WIDTHS = (1366, 390)
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--hide-scrollbars",
    "--virtual-time-budget=1000",
]

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).is_file(), reason="no headless chromium at /usr/bin/chromium"
)

# Measures the page and writes what it found into <pre id="layout"> for --dump-dom to return.
MEASURE = r"""
<script>
window.addEventListener('load', () => {
  const boxes = (sel) => Array.from(document.querySelectorAll(sel)).map(e => {
    const r = e.getBoundingClientRect();
    return {x0: r.left, y0: r.top, x1: r.right, y1: r.bottom,
            size: parseFloat(getComputedStyle(e).fontSize), text: (e.textContent || '').slice(0, 60)};
  });
  const lines = Array.from(document.querySelectorAll('svg line')).map(l => {
    const m = l.getCTM();
    const p = (x, y) => ({x: m.a * x + m.c * y + m.e, y: m.b * x + m.d * y + m.f});
    const svgBox = l.ownerSVGElement.getBoundingClientRect();
    const a = p(l.x1.baseVal.value, l.y1.baseVal.value), b = p(l.x2.baseVal.value, l.y2.baseVal.value);
    return {x1: a.x + svgBox.left, y1: a.y + svgBox.top, x2: b.x + svgBox.left, y2: b.y + svgBox.top};
  });
  const svg = document.querySelector('svg');
  const out = {
    window: window.innerWidth,
    scroll: document.documentElement.scrollWidth,
    svg: svg ? (r => ({x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}))(
      svg.getBoundingClientRect()) : null,
    texts: boxes('svg text'),
    lines: lines,
    blocks: boxes('body > *:not(script):not(pre), .card, td, th, li'),
  };
  const host = window.parent.document;  // the page is framed at the width under test
  const pre = host.createElement('pre');
  pre.id = 'layout';
  pre.textContent = JSON.stringify(out);
  host.body.appendChild(pre);
});
</script>
"""


def _kent_dormant_svg() -> str:
    case = load_case(ROOT / "examples" / "kent" / "untraced_dormant.yaml")
    return render_svg(build_timeline(load_policy("kent"), case, dt.date(2026, 3, 2)))


def _kent_half_term_svg() -> str:
    case = load_case(ROOT / "examples" / "kent" / "absent_over_half_term.yaml")
    return render_svg(build_timeline(load_policy("kent"), case, dt.date(2025, 3, 3)))


def _manchester_svg() -> str:
    case = load_case(ROOT / "examples" / "manchester" / "untraced_six_month_closure.yaml")
    return render_svg(build_timeline(load_policy("manchester"), case, dt.date(2025, 6, 2)))


ON = dt.date(2026, 11, 23)
PAGES = {
    "compare": lambda: render_comparison(compare_packs(on=ON), "html"),
    "explain": lambda: explain(load_policy("derbyshire"), "html"),
    "timeline_kent_dormant": _kent_dormant_svg,
    "timeline_kent_half_term": _kent_half_term_svg,
    "timeline_manchester": _manchester_svg,
}


def _page(body: str, width: int) -> str:
    """The report framed at ``width`` CSS pixels (headless Chromium's window is at least 500
    px wide, so a phone's 390 px is an iframe); ``srcdoc`` keeps the frame same-origin."""
    if body.lstrip().startswith("<svg"):
        body = ('<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width">'
                f"<style>body{{margin:0}}</style></head><body>{body}</body></html>")
    inner = body.replace("</body>", MEASURE + "</body>", 1)
    return (
        '<!DOCTYPE html><html><head><style>body{margin:0}</style></head><body>'
        f'<iframe style="border:0;width:{width}px;height:900px" srcdoc="{html.escape(inner, quote=True)}">'
        "</iframe></body></html>"
    )


@pytest.fixture(scope="module")
def layouts(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], dict]:
    """Every page at every width, loaded concurrently; the measurements by (page, width)."""
    folder = tmp_path_factory.mktemp("browser")
    env = {**os.environ, "HOME": str(folder)}
    runs = {}
    for name, make in PAGES.items():
        report = make()
        for width in WIDTHS:
            page = folder / f"{name}-{width}.html"
            page.write_text(_page(report, width), encoding="utf-8")
            runs[(name, width)] = subprocess.Popen(
                [CHROMIUM, *FLAGS, f"--user-data-dir={folder / f'profile-{name}-{width}'}",
                 f"--window-size={max(width, 500) + 20},900", "--dump-dom", page.as_uri()],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
            )
    out = {}
    for key, proc in runs.items():
        dom, _ = proc.communicate(timeout=120)
        found = re.search(r'<pre id="layout">(.*?)</pre>', dom, re.DOTALL)
        assert found, f"{key}: the page did not report its layout"
        out[key] = json.loads(found.group(1).replace("&quot;", '"').replace("&lt;", "<")
                              .replace("&gt;", ">").replace("&amp;", "&"))
    return out


@pytest.mark.parametrize("width", WIDTHS)
def test_comparison_fits_the_window(layouts: dict, width: int) -> None:
    got = layouts[("compare", width)]
    assert got["scroll"] <= got["window"] == width
    assert all(b["x1"] <= width + 0.5 for b in got["blocks"])
    cards = [b for b in got["blocks"] if b["text"]]
    assert cards and min(b["size"] for b in cards) >= 14


def test_procedure_document_fits_a_laptop(layouts: dict) -> None:
    got = layouts[("explain", 1366)]
    assert got["scroll"] <= got["window"]


def _overlap(a: dict, b: dict, slack: float = 0.5) -> bool:
    return (a["x0"] + slack < b["x1"] and b["x0"] + slack < a["x1"]
            and a["y0"] + slack < b["y1"] and b["y0"] + slack < a["y1"])


def _crosses(line: dict, box: dict, slack: float = 1.0) -> bool:
    for i in range(101):
        x = line["x1"] + (line["x2"] - line["x1"]) * i / 100
        y = line["y1"] + (line["y2"] - line["y1"]) * i / 100
        if box["x0"] + slack < x < box["x1"] - slack and box["y0"] + slack < y < box["y1"] - slack:
            return True
    return False


@pytest.mark.parametrize("name", [n for n in PAGES if n.startswith("timeline")])
@pytest.mark.parametrize("width", WIDTHS)
def test_timeline_labels_are_large_and_never_overlap(layouts: dict, name: str, width: int) -> None:
    got = layouts[(name, width)]
    texts = got["texts"]
    assert len(texts) > 10
    assert min(t["size"] for t in texts) >= 14
    clashes = [(a["text"], b["text"]) for i, a in enumerate(texts) for b in texts[i + 1:] if _overlap(a, b)]
    assert not clashes
    crossed = [t["text"] for t in texts for line in got["lines"] if _crosses(line, t)]
    assert not crossed
    svg = got["svg"]
    outside = [t["text"] for t in texts if t["x0"] < svg["x0"] or t["x1"] > svg["x1"] or t["y1"] > svg["y1"]]
    assert not outside
    if width >= 1366:
        assert got["scroll"] <= got["window"]  # the whole drawing on a laptop screen
