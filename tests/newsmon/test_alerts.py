from __future__ import annotations

from dataclasses import replace
from email import message_from_bytes
from email.message import Message
from pathlib import Path

from sqlalchemy import select

from newsmon.alerts import deliver_pending
from newsmon.settings import Settings, load_settings
from newsmon.store import AlertRow, Store
from tests.conftest import Mailbox, free_port
from tests.newsmon.records import article


def _setup(tmp_path: Path, smtp_url: str = "") -> tuple[Store, Settings]:
    settings = load_settings(environ={"NEWSMON_HOME": str(tmp_path)})
    settings = replace(settings, smtp_url=smtp_url, alert_to=("desk@x.org",))
    return Store(settings.database), settings


def _parts(message: Message) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_payload(decode=True).decode()  # type: ignore[union-attr]
        for part in message.walk()
        if not part.is_multipart()
    }


def test_alert_goes_out_once_with_reasons(tmp_path: Path, smtp_server: Mailbox) -> None:
    store, settings = _setup(tmp_path, smtp_server.url)
    store.save([article("https://civil.ge/archives/1")], settings.alert_to)
    delivery = deliver_pending(store, settings)
    assert len(delivery.sent) == 1 and not delivery.failed
    assert deliver_pending(store, settings).sent == []
    [message] = smtp_server.messages
    assert message["Subject"] == "[newsmon] Civil.ge: Kremlin ready to normalize ties"
    assert message["Message-ID"] == f"<{delivery.sent[0]}@newsmon>"
    parts = _parts(message)
    for needle in (
        "Civil.ge",
        "Language: en",
        "0.93",
        "Peskov said Russia is ready.",
        "kremlin, georgia, normalize",
        "https://civil.ge/archives/1",
        "2025-04-15T08:18",
    ):
        assert needle in parts["text/plain"]
    assert "<blockquote>Peskov said Russia is ready.</blockquote>" in parts["text/html"]


def test_smtp_down_then_up_delivers_once(tmp_path: Path, smtp_server: Mailbox) -> None:
    store, settings = _setup(tmp_path, f"smtp://127.0.0.1:{free_port()}")
    store.save([article("https://civil.ge/archives/2")], settings.alert_to)
    down = deliver_pending(store, settings)
    assert len(down.failed) == 1 and not down.sent
    [queued] = store.pending_alerts()
    assert queued.attempts == 1
    up = deliver_pending(store, replace(settings, smtp_url=smtp_server.url))
    assert len(up.sent) == 1
    assert deliver_pending(store, replace(settings, smtp_url=smtp_server.url)).sent == []
    assert len(smtp_server.messages) == 1


def test_temporary_refusal_then_acceptance(tmp_path: Path, smtp_server: Mailbox) -> None:
    store, settings = _setup(tmp_path, smtp_server.url)
    store.save([article("https://civil.ge/archives/3")], settings.alert_to)
    smtp_server.refuse_with.append("451 Try again later")
    assert len(deliver_pending(store, settings).failed) == 1
    assert "451" in _last_error(store)
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
    html = _parts(smtp_server.messages[0])["text/html"]
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
