"""The review page in a real browser (Debian's headless Chromium, driven over the DevTools
protocol): it loads; an editor gives a name and clicks "Wrong" on the first story, the browser
sends the form and follows the redirect; the mark is stored and shows, also after a reload.
The screenshot is kept in test-output/ for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT
from tests.newsmon.browser import chromium
from tests.newsmon.test_web import NEAR_TITLE, serving, web_settings

OUTPUT = ROOT / "test-output"
# As the browser writes the title back out: text escaped, quotes needing none.
SHOWN = "Kremlin &lt;script&gt;alert('x')&lt;/script&gt; ready &amp; willing"
EDITOR = "Nino Beridze"
NAME_FIELD = '#editor input[name="who"]'


def test_page_loads_a_mark_is_stored_and_shows_after_reload(tmp_path: Path) -> None:
    with serving(web_settings(tmp_path)) as page, chromium() as tab:
        tab.open(page.url)
        dom = tab.html()
        assert "<script" not in dom and SHOWN in dom and NEAR_TITLE in dom
        assert dom.count('action="/mark"') == 2 and "Not marked yet." in dom
        assert 'id="chart"' in dom and "<rect" in dom
        assert page.store.latest_labels() == {}

        # The name marks are made in, as an editor gives it: typed, then "Save name".
        tab.type_into(NAME_FIELD, EDITOR)
        tab.click_and_wait('#editor button[type="submit"]', page.url)
        assert tab.evaluate(f"document.querySelector({NAME_FIELD!r}).value") == EDITOR

        story = re.findall(r'id="item-(\d+)"', tab.html())[0]
        back = f"{page.url}#item-{story}"
        tab.click_and_wait(f'#item-{story} button[name="verdict"][value="wrong"]', back)
        assert tab.location() == f"/#item-{story}", "the mark did not lead back to the story"
        labels = page.store.latest_labels()
        assert int(story) in labels, "the click in the browser stored no mark"
        assert {(m.verdict, m.who) for m in labels.values()} == {("wrong", EDITOR)}

        shown = rf'class="mark mark-wrong">Marked wrong by {EDITOR} at \d{{4}}-'
        assert re.search(shown, _item(tab.html(), story)), "the page does not show the mark"
        tab.reload()
        assert re.search(shown, _item(tab.html(), story)), "the mark is gone after a reload"

        OUTPUT.mkdir(exist_ok=True)
        shot = OUTPUT / "review.png"
        shot.unlink(missing_ok=True)
        tab.evaluate("window.scrollTo(0, 0)")
        tab.screenshot(shot)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def _item(dom: str, story: str) -> str:
    """The story's own article element."""
    start = dom.index(f'id="item-{story}"')
    return dom[start : dom.index("</article>", start)]
