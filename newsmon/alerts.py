"""Alert emails: rendering, and delivery from the outbox table over SMTP or to .eml files.

An alert row is written in the same transaction as its article; here it is sent and then
marked sent. Its Message-ID comes from its idempotency key, so a resend after a crash between
the two steps carries the same Message-ID and mail clients show it once.
"""

from __future__ import annotations

import html
import os
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from newsmon.settings import Settings
from newsmon.store import ArticleRow, PendingAlert, Store, now

SMTP_TIMEOUT_SECONDS = 30


@dataclass
class Delivery:
    destination: str
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def render(alert: PendingAlert, settings: Settings) -> EmailMessage:
    article = alert.article
    message = EmailMessage()
    message["Subject"] = f"[newsmon] {article.outlet}: {_one_line(article.title) or article.url}"
    message["From"] = settings.alert_from
    message["To"] = alert.recipient
    message["Date"] = format_datetime(now())
    message["Message-ID"] = f"<{alert.key}@newsmon>"
    message["X-Newsmon-Key"] = alert.key
    fields = _fields(article, settings)
    message.set_content(_text(article, fields))
    message.add_alternative(_html(article, fields), subtype="html")
    return message


def deliver_pending(store: Store, settings: Settings) -> Delivery:
    pending = store.pending_alerts()
    if settings.smtp_url:
        return _send_smtp(pending, store, settings)
    return _write_outbox(pending, store, settings)


def _fields(article: ArticleRow, settings: Settings) -> list[tuple[str, str]]:
    published = article.published_at.isoformat(timespec="minutes") if article.published_at else ""
    return [
        ("Outlet", article.outlet),
        ("Language", article.lang or "und"),
        ("Published", published or "unknown"),
        (
            "Score",
            f"{article.score:.2f} (threshold {settings.threshold:.2f})"
            if article.score is not None
            else "n/a",
        ),
        ("Terms found", ", ".join(article.terms or []) or "none"),
        ("Model", article.model or ""),
    ]


def _text(article: ArticleRow, fields: list[tuple[str, str]]) -> str:
    lines = [_one_line(article.title), ""]
    lines += [f"{name}: {value}" for name, value in fields]
    lines += [
        "",
        "Why it was flagged:",
        f"  {_one_line(article.passage or '')}",
        "",
        f"Link: {article.url}",
        "",
    ]
    return "\n".join(lines)


def _html(article: ArticleRow, fields: list[tuple[str, str]]) -> str:
    rows = "".join(
        f"<tr><th align='left'>{html.escape(name)}</th><td>{html.escape(value)}</td></tr>"
        for name, value in fields
    )
    link = html.escape(article.url, quote=True)
    return (
        "<!doctype html><html><body style='font-family:sans-serif'>"
        f'<h2><a href="{link}">{html.escape(_one_line(article.title) or article.url)}</a></h2>'
        f"<table>{rows}</table>"
        "<h3>Why it was flagged</h3>"
        f"<blockquote>{html.escape(article.passage or '')}</blockquote>"
        f'<p><a href="{link}">{html.escape(article.url)}</a></p>'
        "</body></html>"
    )


def _send_smtp(pending: list[PendingAlert], store: Store, settings: Settings) -> Delivery:
    target = urlsplit(settings.smtp_url)
    delivery = Delivery(destination=f"{target.hostname}:{target.port or 25}")
    if not pending:
        return delivery
    try:
        client = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        for alert in pending:
            store.mark_failed(alert.id, f"SMTP unreachable: {exc}")
            delivery.failed.append(alert.key)
        return delivery
    with client:
        for alert in pending:
            try:
                client.send_message(render(alert, settings))
            except (OSError, smtplib.SMTPException) as exc:
                store.mark_failed(alert.id, f"SMTP refused: {exc}")
                delivery.failed.append(alert.key)
                continue
            store.mark_sent(alert.id, delivery.destination)
            delivery.sent.append(alert.key)
    return delivery


def _connect(settings: Settings) -> smtplib.SMTP:
    target = urlsplit(settings.smtp_url)
    host = target.hostname or "127.0.0.1"
    if target.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            host, target.port or 465, timeout=SMTP_TIMEOUT_SECONDS
        )
    else:
        client = smtplib.SMTP(host, target.port or 25, timeout=SMTP_TIMEOUT_SECONDS)
        client.ehlo()
        if client.has_extn("starttls"):
            client.starttls()
            client.ehlo()
    if target.username:
        client.login(unquote(target.username), settings.smtp_password)
    return client


def _write_outbox(pending: list[PendingAlert], store: Store, settings: Settings) -> Delivery:
    folder = settings.outbox_dir
    delivery = Delivery(destination=str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    for alert in pending:
        path = folder / f"{alert.key}.eml"
        if not path.exists():
            _write_atomically(path, bytes(render(alert, settings)))
        store.mark_sent(alert.id, str(path))
        delivery.sent.append(alert.key)
    return delivery


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _one_line(value: str) -> str:
    return " ".join(value.split())
