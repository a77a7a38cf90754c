"""The poll flow end to end on Prefect's test API, with real HTTP and SMTP servers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from newsmon.settings import load_settings
from newsmon.store import Store
from tests.conftest import Mailbox
from tests.flows.sites import BROKEN_SOURCES, config, serve_broken, serve_demo

pytestmark = pytest.mark.usefixtures("prefect_api")


def test_poll_alerts_seed_coverage_once_and_records_broken_sources(
    home: Path,
    smtp_server: Mailbox,
    httpserver: HTTPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from flows.poll import poll

    base = serve_demo(httpserver)
    serve_broken(httpserver)
    config_file = config(tmp_path / "newsmon.toml", base, BROKEN_SOURCES.format(base=base))
    monkeypatch.setenv("NEWSMON_SMTP_URL", smtp_server.url)

    first = poll(config_file=str(config_file))

    assert first["sources"] == 4
    assert first["new_articles"] == 5
    assert len(first["flagged"]) == 2 and first["alerts_sent"] == 2
    assert set(first["source_errors"]) == {"broken-500", "garbage"}
    assert "HTTP 500" in first["source_errors"]["broken-500"]
    subjects = sorted(m["Subject"].replace("\n", "") for m in smtp_server.messages)
    assert len(subjects) == 2
    assert subjects[0].startswith("[newsmon] Civil.ge (demo): Russia Open to Normalizing Ties")
    assert subjects[1].startswith("[newsmon] Sada El-Balad English (demo): Kremlin Reaffirms")

    second = poll(config_file=str(config_file))
    assert (second["new_articles"], second["alerts_sent"]) == (0, 0)
    assert len(smtp_server.messages) == 2

    settings = load_settings(config_file)
    status = Store(settings.database).status()
    by_name = {s["name"]: s for s in status["sources"]}
    assert by_name["broken-500"]["consecutive_failures"] == 2
    assert by_name["demo-civil"]["last_error"] is None
    assert status["articles"] == 5 and status["alerts"] == {"sent": 2, "queued": 0}


def test_stored_text_has_no_page_furniture(
    home: Path, httpserver: HTTPServer, tmp_path: Path
) -> None:
    from flows.poll import poll

    config_file = config(tmp_path / "newsmon.toml", serve_demo(httpserver))
    poll(config_file=str(config_file))
    rows = {r.title: r for r in Store(load_settings(config_file).database).articles()}
    sada = rows["Kremlin Reaffirms Readiness to Normalize Ties with Georgia"]
    civil = rows[
        "Russia Open to Normalizing Ties With Georgia, Sees No Ground for Political Dialogue"
    ]
    assert sada.lang == "en" and civil.lang == "en"
    for row in (sada, civil):
        for furniture in ("Supervisor", "Editor in Chief", "Also Read", "Back to top", "ads\n"):
            assert furniture not in row.text
        assert not re.search(r"[\u0600-\u06FF]", row.text)
        assert row.text.count("The Kremlin building in Moscow") == 0
    assert sada.text.startswith("Russia remains willing to normalize its relations with Georgia")
    assert civil.published_at is not None and civil.published_at.hour == 9
