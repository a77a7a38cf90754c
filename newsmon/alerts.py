"""Alert delivery from the outbox table, over SMTP or to .eml files.

An alert row is written in the same transaction as its article; here it is sent and then
marked sent, one message at a time, so a crash can leave at most the message in flight
unrecorded. Its Message-ID comes from its idempotency key, so that resend carries the same
Message-ID and mail clients show it once.
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from functools import partial
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit

from newsmon.digests import last_period
from newsmon.messages import headline, render, render_digest, render_notice
from newsmon.settings import Settings
from newsmon.store import DeliveryFailure, NoticeRow, PendingAlert, PendingDigest, Store, now

SMTP_TIMEOUT_SECONDS = 30
# A mail server that is restarting answers again within seconds; one that is down is tried
# again on the next run.
CONNECT_BACKOFF_SECONDS = (1.0, 2.0)


@dataclass
class Delivery:
    destination: str
    sent: list[str] = field(default_factory=list)
    failed: list[DeliveryFailure] = field(default_factory=list)


@dataclass(frozen=True)
class Outgoing:
    """One message ready to go, what it is about, and how to record what became of it."""

    key: str
    headline: str
    recipient: str
    message: EmailMessage
    sent: Callable[[str], None]
    failed: Callable[[str], None]


def deliver_pending(store: Store, settings: Settings) -> Delivery:
    # One delivery at a time: two pollers reading the same unsent rows would both send them.
    with store.exclusive("delivery"):
        pending = queued_messages(store, settings)
        if settings.smtp_url:
            delivery = _send_smtp(pending, settings)
        else:
            delivery = _write_outbox(pending, settings)
        if delivery.failed:
            store.record_delivery_error(delivery.failed[-1])
        return delivery


def queued_messages(store: Store, settings: Settings) -> list[Outgoing]:
    """Queue what is due (follow-ups of sent stories, digests of ended periods), then every
    unsent alert, digest and health notice, rendered."""
    store.queue_followups()
    period = last_period(settings.digest_cron, settings.digest_timezone, now())
    for recipient in settings.digest_to:
        store.queue_digest(recipient, period.start, period.end)
    alerts = [
        _outgoing(
            a,
            render(a, settings),
            # The articles the message lists: later copies get follow-ups, these do not.
            partial(store.mark_sent, covers=[article.id for article in a.story]),
            store.mark_failed,
        )
        for a in store.pending_alerts()
    ]
    digests = [
        _outgoing(d, render_digest(d, settings), store.mark_digest_sent, store.mark_digest_failed)
        for d in store.pending_digests()
    ]
    notices = [
        _outgoing(n, render_notice(n, settings), store.mark_notice_sent, store.mark_notice_failed)
        for n in store.pending_notices()
    ]
    return alerts + digests + notices


def _outgoing(
    row: PendingAlert | PendingDigest | NoticeRow,
    message: EmailMessage,
    sent: Callable[[int, str], None],
    failed: Callable[[int, str], None],
) -> Outgoing:
    return Outgoing(
        row.key,
        headline(row),
        row.recipient,
        message,
        partial(sent, row.id),
        partial(failed, row.id),
    )


def _fail(items: Sequence[Outgoing], reason: str, delivery: Delivery) -> None:
    """Record why these were not delivered: they stay queued, and the next run, which is
    the backoff, tries them again."""
    for item in items:
        item.failed(reason)
        delivery.failed.append(DeliveryFailure(item.key, item.headline, item.recipient, reason))


def _send_smtp(pending: list[Outgoing], settings: Settings) -> Delivery:
    target = urlsplit(settings.smtp_url)
    delivery = Delivery(destination=_address(target))
    if not pending:
        return delivery
    try:
        client = _connect_with_retries(settings)
    except OSError as exc:  # smtplib's errors are OSErrors too
        _fail(pending, smtp_reason(exc, target), delivery)
        return delivery
    with client:
        for index, item in enumerate(pending):
            try:
                client.send_message(item.message)
            except OSError as exc:
                # A refusal is this message's; a lost connection is every unsent one's.
                lost = _connection_lost(exc)
                _fail(pending[index:] if lost else [item], smtp_reason(exc, target), delivery)
                if lost:
                    break
                continue
            # Recorded at once: a crash can leave only this message unrecorded.
            item.sent(delivery.destination)
            delivery.sent.append(item.key)
    return delivery


def _connection_lost(exc: OSError) -> bool:
    """A reply refuses one message and the session goes on; a network error or a hang-up
    ends it."""
    answered = isinstance(exc, smtplib.SMTPException)
    return not answered or isinstance(exc, smtplib.SMTPServerDisconnected)


def smtp_reason(exc: OSError, target: SplitResult) -> str:
    """Why a message did not go, for people: the server's reply (code and text) when it
    answered, else what the network said."""
    where = _address(target)
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        code, text = next(iter(exc.recipients.values()))
        return _reply(code, text)
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply(exc.smtp_code, exc.smtp_error)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"{where} closed the connection"
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve {target.hostname}"
    if isinstance(exc, ConnectionRefusedError):
        return f"connection refused to {where}"
    if isinstance(exc, TimeoutError):
        return f"no answer from {where} in {SMTP_TIMEOUT_SECONDS} s"
    if isinstance(exc, ssl.SSLError):
        return f"TLS with {where} failed: {exc.reason or exc}"
    return f"{exc.strerror or exc} ({where})"


def _address(target: SplitResult) -> str:
    return f"{target.hostname}:{target.port or (465 if target.scheme == 'smtps' else 25)}"


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode(errors="replace") if isinstance(text, bytes) else text
    return " ".join(f"{code} {words}".split())


def _connect_with_retries(settings: Settings) -> smtplib.SMTP:
    for delay in CONNECT_BACKOFF_SECONDS:
        try:
            return _connect(settings)
        except (OSError, smtplib.SMTPException):
            time.sleep(delay)
    return _connect(settings)


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


def _write_outbox(pending: list[Outgoing], settings: Settings) -> Delivery:
    folder = settings.outbox_dir
    delivery = Delivery(destination=str(folder))
    for item in pending:
        path = folder / f"{item.key}.eml"
        try:
            # Made here, not once before: a folder that cannot be made fails each message
            # with the reason, as a refused send does.
            folder.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                _write_atomically(path, bytes(item.message))
        except OSError as exc:
            _fail([item], f"cannot write {exc.filename or path}: {exc.strerror or exc}", delivery)
            continue
        item.sent(str(path))
        delivery.sent.append(item.key)
    return delivery


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
