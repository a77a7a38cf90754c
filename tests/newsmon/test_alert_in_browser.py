"""The HTML alert as a real browser (Debian's headless Chromium) renders it; the screenshot is
kept in test-output/ for a person to look at."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from newsmon.messages import render
from newsmon.settings import load_settings
from newsmon.store import Store
from tests.conftest import ROOT
from tests.newsmon.records import article

OUTPUT = ROOT / "test-output"
TITLE = "Kremlin <script>alert('x')</script> ready & willing"


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run installs Debian's chromium")
        pytest.skip("chromium not installed (apt-get install chromium)")
    return found


def _browser(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    # No background networking: this machine reaches nothing but 127.0.0.1.
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ]
    return subprocess.run(
        [_chromium(), *flags, *args], capture_output=True, text=True, timeout=120, check=True
    )


def test_alert_renders_in_a_browser(tmp_path: Path) -> None:
    settings = replace(load_settings(environ={"NEWSMON_HOME": str(tmp_path)}), alert_to=("d@x",))
    store = Store(settings.database)
    store.save(
        [
            article("https://civil.ge/archives/1", title=TITLE),
            article(
                "https://netgazeti.ge/1",
                outlet="Netgazeti",
                title=TITLE,
                text="რუსეთი მზადაა საქართველოსთან ურთიერთობების ნორმალიზებისთვის.",
                lang="ka",
            ),
        ],
        settings.alert_to,
    )
    [alert] = store.pending_alerts()
    body = render(alert, settings).get_body(preferencelist=("html",))
    assert body is not None
    OUTPUT.mkdir(exist_ok=True)
    page = OUTPUT / "alert.html"
    page.write_text(body.get_content(), encoding="utf-8")

    dom = _browser(["--dump-dom", page.as_uri()], tmp_path / "profile").stdout
    assert "<script" not in dom
    assert "Kremlin &lt;script&gt;alert('x')&lt;/script&gt; ready &amp; willing" in dom
    assert dom.count('href="https://civil.ge/archives/1"') == 3  # heading, list, footer
    assert "Netgazeti (ka)" in dom and "Outlets</th><td>Civil.ge, Netgazeti" in dom

    shot = OUTPUT / "alert.png"
    shot.unlink(missing_ok=True)
    _browser(
        [f"--screenshot={shot}", "--window-size=900,800", page.as_uri()], tmp_path / "profile2"
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
