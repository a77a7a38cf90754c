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
from contextlib import ExitStack
from dataclasses import dataclass, field
from email.message import EmailMessage
from functools import partial
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit

from newsmon.digests import periods_to_queue
from newsmon.locks import LockTimeout
from newsmon.messages import headline, render, render_digest, render_notice
from newsmon.settings import Settings
from newsmon.store import DeliveryFailure, NoticeRow, PendingAlert, PendingDigest, Store, now

SMTP_TIMEOUT_SECONDS = 30
# A mail server that is restarting answers again within seconds; one that is down is tried
# again on the next run.
CONNECT_BACKOFF_SECONDS = (1.0, 2.0)
DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
LEFT_TO_ANOTHER = "another poller is delivering; left to it"


@dataclass
class Delivery:
    destination: str
    sent: list[str] = field(default_factory=list)
    failed: list[DeliveryFailure] = field(default_factory=list)
    # Why nothing was tried this time, when so: the messages stay queued.
    note: str = ""


class UnsafeSmtp(OSError):
    """Sending would expose the password or trust a server nobody checked. Trying again
    changes nothing until the server or the settings do, so it is not retried in this run."""


@dataclass(frozen=True)
class Outgoing:
    """One message ready to go, what it is about, and how to record what became of it."""

    key: str
    headline: str
    recipient: str
    message: EmailMessage
    sent: Callable[[str], None]
    # (reason, counted): counted when the message itself was refused, not when no server
    # could take it; only counted failures back off and lead to giving up.
    failed: Callable[[str, bool], None]


def deliver_pending(store: Store, settings: Settings) -> Delivery:
    # One delivery at a time: two pollers reading the same unsent rows would both send them.
    # A poller waits a while, not forever, behind one stuck in a slow SMTP session.
    lock = store.exclusive("delivery", settings.lock_timeout_seconds)
    with ExitStack() as held:
        try:
            held.enter_context(lock)
        except LockTimeout:
            return Delivery(destination=_destination(settings), note=LEFT_TO_ANOTHER)
        return _deliver(store, settings)


def _deliver(store: Store, settings: Settings) -> Delivery:
    pending = queued_messages(store, settings)
    if settings.smtp_url:
        delivery = _send_smtp(pending, settings)
    else:
        delivery = _write_outbox(pending, settings)
    if delivery.failed:
        store.record_delivery_error(delivery.failed[-1])
    return delivery


def _destination(settings: Settings) -> str:
    if settings.smtp_url:
        return _address(urlsplit(settings.smtp_url))
    return str(settings.outbox_dir)


def queued_messages(store: Store, settings: Settings) -> list[Outgoing]:
    """Queue what is due (follow-ups of sent stories, digests of every period ended since the
    last one queued), then every alert, digest and health notice due to be tried, rendered.
    A message that fails settings.delivery_attempts times is given up on (dead)."""
    store.queue_followups()
    moment = now()
    cron, zone = settings.digest_cron, settings.digest_timezone
    for recipient in settings.digest_to:
        for period in periods_to_queue(cron, zone, store.last_digest_end(recipient), moment):
            store.queue_digest(recipient, period.start, period.end)
    give_up = settings.delivery_attempts
    alerts = [
        _outgoing(
            a,
            render(a, settings),
            # The articles the message lists: later copies get follow-ups, these do not.
            partial(store.mark_sent, covers=[article.id for article in a.story]),
            partial(store.mark_failed, give_up_after=give_up),
        )
        for a in store.pending_alerts()
    ]
    digests = [
        _outgoing(
            d,
            render_digest(d, settings),
            store.mark_digest_sent,
            partial(store.mark_digest_failed, give_up_after=give_up),
        )
        for d in store.pending_digests()
    ]
    notices = [
        _outgoing(
            n,
            render_notice(n, settings),
            store.mark_notice_sent,
            partial(store.mark_notice_failed, give_up_after=give_up),
        )
        for n in store.pending_notices()
    ]
    return alerts + digests + notices


def _outgoing(
    row: PendingAlert | PendingDigest | NoticeRow,
    message: EmailMessage,
    sent: Callable[[int, str], None],
    failed: Callable[[int, str, bool], None],
) -> Outgoing:
    return Outgoing(
        row.key,
        headline(row),
        row.recipient,
        message,
        partial(sent, row.id),
        partial(failed, row.id),
    )


def _fail(items: Sequence[Outgoing], reason: str, delivery: Delivery, counted: bool = True) -> None:
    """Record why these were not delivered: they stay queued. A refused message backs off
    and is given up on after settings.delivery_attempts tries; one that met no working
    server (``counted=False``) is tried again by the next run, however long the outage."""
    for item in items:
        item.failed(reason, counted)
        delivery.failed.append(DeliveryFailure(item.key, item.headline, item.recipient, reason))


def _send_smtp(pending: list[Outgoing], settings: Settings) -> Delivery:
    target = urlsplit(settings.smtp_url)
    delivery = Delivery(destination=_address(target))
    if not pending:
        return delivery
    try:
        client = _connect_with_retries(settings)
    except OSError as exc:  # smtplib's errors are OSErrors too
        _fail(pending, smtp_reason(exc, target), delivery, counted=False)
        return delivery
    with client:
        for index, item in enumerate(pending):
            try:
                client.send_message(item.message)
            except OSError as exc:
                # A refusal is this message's; a lost connection is every unsent one's, and
                # counts only against the message it was lost on.
                reason = smtp_reason(exc, target)
                _fail([item], reason, delivery)
                if _connection_lost(exc):
                    _fail(pending[index + 1 :], reason, delivery, counted=False)
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
    if isinstance(exc, UnsafeSmtp):
        return str(exc)
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
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            f"certificate of {where} not trusted ({str(exc.verify_message).rstrip('.')}); "
            "nothing sent (smtp_ca_file names the CA that signed it)"
        )
    if isinstance(exc, ssl.SSLError):
        return f"TLS with {where} failed: {exc.reason or exc}"
    return f"{exc.strerror or exc} ({where})"


def _address(target: SplitResult) -> str:
    return f"{target.hostname}:{_port(target)}"


def _port(target: SplitResult) -> int:
    return target.port or DEFAULT_PORTS.get(target.scheme, 25)


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode(errors="replace") if isinstance(text, bytes) else text
    return " ".join(f"{code} {words}".split())


def _connect_with_retries(settings: Settings) -> smtplib.SMTP:
    for delay in CONNECT_BACKOFF_SECONDS:
        try:
            return _connect(settings)
        except (UnsafeSmtp, ssl.SSLCertVerificationError):
            raise  # the same answer on every try
        except OSError:  # smtplib's errors included
            time.sleep(delay)
    return _connect(settings)


def _connect(settings: Settings) -> smtplib.SMTP:
    """A session ready to send: TLS whose certificate and host name are checked, and
    logged in when the URL names a user."""
    target = urlsplit(settings.smtp_url)
    context = _tls_context(settings.smtp_ca_file)
    host = target.hostname or "127.0.0.1"
    if target.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            host, _port(target), timeout=SMTP_TIMEOUT_SECONDS, context=context
        )
    else:
        client = smtplib.SMTP(host, _port(target), timeout=SMTP_TIMEOUT_SECONDS)
    try:
        if target.scheme != "smtps":
            _starttls(client, target, context)
        if target.username:
            client.login(unquote(target.username), settings.smtp_password)
    except BaseException:
        client.close()
        raise
    return client


def _tls_context(ca_file: str) -> ssl.SSLContext:
    try:
        return ssl.create_default_context(cafile=ca_file or None)
    except (OSError, ValueError) as exc:  # missing, unreadable, or not PEM
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise UnsafeSmtp(f"cannot use smtp_ca_file {ca_file}: {reason}") from exc


def _starttls(client: smtplib.SMTP, target: SplitResult, context: ssl.SSLContext) -> None:
    """STARTTLS when offered. Without it, go on in clear only with no password to give
    away and when the URL did not ask for TLS: a stripped offer must not leak either."""
    client.ehlo()
    if client.has_extn("starttls"):
        client.starttls(context=context)
        client.ehlo()
        return
    where = _address(target)
    if target.scheme == "smtp+starttls":
        raise UnsafeSmtp(
            f"{where} offers no STARTTLS, which smtp+starttls:// requires; nothing sent"
        )
    if target.username:
        raise UnsafeSmtp(
            f"{where} offers no STARTTLS; not sending the password in clear "
            "(use smtp+starttls:// or smtps://)"
        )


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
            reason = f"cannot write {exc.filename or path}: {exc.strerror or exc}"
            _fail([item], reason, delivery, counted=False)
            continue
        item.sent(str(path))
        delivery.sent.append(item.key)
    return delivery


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
