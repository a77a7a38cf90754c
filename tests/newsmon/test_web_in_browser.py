"""The review page in a real browser (Debian's headless Chromium): it loads, a mark sent with
the token scraped from the page is stored, and the mark shows after reload. The screenshot is
kept in test-output/ for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT
from tests.newsmon.test_alert_in_browser import _browser
from tests.newsmon.test_web import NEAR_TITLE, origin, serving, web_settings

OUTPUT = ROOT / "test-output"
# As the browser writes the title back out: text escaped, quotes needing none.
SHOWN = "Kremlin &lt;script&gt;alert('x')&lt;/script&gt; ready &amp; willing"


def test_page_loads_a_mark_is_stored_and_shows_after_reload(tmp_path: Path) -> None:
    with serving(web_settings(tmp_path)) as page:
        dom = _browser(["--dump-dom", page.url], tmp_path / "profile").stdout
        assert "<script" not in dom and SHOWN in dom and NEAR_TITLE in dom
        assert dom.count('action="/mark"') == 2 and "Not marked yet." in dom
        assert 'id="chart"' in dom and "<rect" in dom

        story = re.findall(r'id="item-(\d+)"', dom)[0]
        answer = page.post(
            "/mark", f"csrf={page.form_token()}&article={story}&verdict=wrong", origin=origin(page)
        )
        assert answer.status_code == 303 and len(page.store.latest_labels()) == 2

        reloaded = _browser(["--dump-dom", page.url], tmp_path / "profile").stdout
        item = reloaded[reloaded.index(f'id="item-{story}"') :]
        assert re.search(r'class="mark mark-wrong">Marked wrong by [^<]+ at \d{4}-', item)
        OUTPUT.mkdir(exist_ok=True)
        shot = OUTPUT / "review.png"
        shot.unlink(missing_ok=True)
        _browser([f"--screenshot={shot}", "--window-size=1000,1400", page.url], tmp_path / "p2")
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
