"""SMTP against servers that cannot be trusted: the password never goes out in clear, and
TLS is only TLS with a certificate checked for the host. Certificates are made at test time;
the servers are aiosmtpd on 127.0.0.1, plain, with STARTTLS, or with TLS from the start."""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from newsmon.alerts import deliver_pending, smtp_reason
from newsmon.settings import Settings, load_settings
from newsmon.store import AlertRow, Store
from tests.conftest import free_port
from tests.newsmon.records import article

PASSWORD = "hunter2-not-in-clear"
LOCAL_NAMES = ("localhost", "127.0.0.1")


@dataclass
class Server:
    """An SMTP server on 127.0.0.1: what it accepted, and every login it was given."""

    port: int
    messages: list[Message] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    def url(self, scheme: str, user: str = "") -> str:
        return f"{scheme}://{user + '@' if user else ''}127.0.0.1:{self.port}"


@dataclass(frozen=True)
class Certificates:
    ca_file: Path
    context: Callable[..., ssl.SSLContext]  # a server context for the given names


@pytest.fixture
def certificates(tmp_path: Path) -> Certificates:
    """A CA of the desk's own (ca.pem) and server certificates it signs on demand."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "newsmon test CA")])
    ca = (
        _builder(ca_name, ca_name, ca_key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))

    def context(*names: str) -> ssl.SSLContext:
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
        cert = (
            _builder(subject, ca_name, key)
            .add_extension(x509.SubjectAlternativeName(_san(names)), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(cert_sign=False), critical=True)
            .sign(ca_key, hashes.SHA256())
        )
        folder = tmp_path / f"server-{names[0]}"
        folder.mkdir(exist_ok=True)
        (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (folder / "key.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server.load_cert_chain(folder / "cert.pem", folder / "key.pem")
        return server

    return Certificates(ca_file, context)


def _builder(subject: x509.Name, issuer: x509.Name, key: Any) -> x509.CertificateBuilder:
    start = datetime.now(UTC) - timedelta(hours=1)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=2))
    )


def _key_usage(cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _san(names: tuple[str, ...]) -> list[x509.GeneralName]:
    general: list[x509.GeneralName] = []
    for name in names:
        try:
            general.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            general.append(x509.DNSName(name))
    return general


@contextmanager
def smtp_server(
    starttls: ssl.SSLContext | None = None, implicit: ssl.SSLContext | None = None
) -> Iterator[Server]:
    """A server that accepts every message and every login, AUTH offered even in clear, as
    a man in the middle who strips STARTTLS would."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    server = Server(port=free_port())

    class Handler:
        async def handle_DATA(self, _server: object, _session: object, envelope: Any) -> str:
            server.messages.append(message_from_bytes(envelope.content))
            return "250 Message accepted for delivery"

    def authenticator(*args: Any) -> AuthResult:
        data = args[-1]
        if isinstance(data, LoginPassword):
            server.logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=True)

    controller = Controller(
        Handler(),
        hostname="127.0.0.1",
        port=server.port,
        ssl_context=implicit,
        tls_context=starttls,
        authenticator=authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


def _store(folder: Path, smtp_url: str, **changes: Any) -> tuple[Store, Settings]:
    """A store of its own: a failed message backs off, so a second try needs a fresh one."""
    folder.mkdir(exist_ok=True)
    environ = {
        "NEWSMON_HOME": str(folder / "home"),
        "NEWSMON_DATABASE_URL": f"sqlite:///{folder / 'db.sqlite'}",
    }
    settings = load_settings(environ=environ)
    settings = replace(
        settings, smtp_url=smtp_url, smtp_password=PASSWORD, alert_to=("desk@x.org",), **changes
    )
    store = Store(settings.database)
    return store, settings


def _queue(store: Store, number: int) -> None:
    store.save([article(f"https://civil.ge/archives/{number}", title=f"Story {number}")], ("d",))


def _errors(store: Store) -> list[str]:
    with store.session() as session:
        return [error or "" for error in session.scalars(select(AlertRow.last_error))]


def test_plain_server_gets_mail_but_never_the_password(tmp_path: Path) -> None:
    """A local relay without STARTTLS still delivers; with a user name in the URL nothing
    is sent, the password least of all, and the reason says what to use instead."""
    with smtp_server() as server:
        store, settings = _store(tmp_path, server.url("smtp"))
        _queue(store, 1)
        assert len(deliver_pending(store, settings).sent) == 1
        _queue(store, 2)
        delivery = deliver_pending(store, replace(settings, smtp_url=server.url("smtp", "desk")))
    reason = (
        f"127.0.0.1:{server.port} offers no STARTTLS; not sending the password in clear "
        "(use smtp+starttls:// or smtps://)"
    )
    assert [failure.reason for failure in delivery.failed] == [reason]
    assert not delivery.sent and server.logins == []
    assert len(server.messages) == 1
    assert reason in _errors(store)
    assert store.status()["alerts"] == {"sent": 1, "queued": 1}


def test_starttls_scheme_refuses_a_server_without_it(tmp_path: Path) -> None:
    with smtp_server() as server:
        store, settings = _store(tmp_path, server.url("smtp+starttls"))
        _queue(store, 1)
        delivery = deliver_pending(store, settings)
    [failure] = delivery.failed
    assert "offers no STARTTLS, which smtp+starttls:// requires" in failure.reason
    assert server.messages == []


@pytest.mark.parametrize("scheme", ["smtp", "smtp+starttls", "smtps"])
def test_server_is_trusted_only_through_its_ca(
    tmp_path: Path, certificates: Certificates, scheme: str
) -> None:
    """A certificate from a CA the system does not know is refused before the password
    goes; naming that CA in smtp_ca_file makes the same server trusted."""
    context = certificates.context(*LOCAL_NAMES)
    tls = {"implicit": context} if scheme == "smtps" else {"starttls": context}
    with smtp_server(**tls) as server:
        store, settings = _store(tmp_path / "system-cas", server.url(scheme, "desk"))
        _queue(store, 1)
        refused = deliver_pending(store, settings)
        store, settings = _store(
            tmp_path / "ca-file", server.url(scheme, "desk"), smtp_ca_file=str(certificates.ca_file)
        )
        _queue(store, 1)
        delivered = deliver_pending(store, settings)
    [failure] = refused.failed
    assert failure.reason.startswith(f"certificate of 127.0.0.1:{server.port} not trusted (")
    assert "smtp_ca_file" in failure.reason
    assert len(delivered.sent) == 1 and not delivered.failed
    assert server.logins == [("desk", PASSWORD)]
    assert len(server.messages) == 1


@pytest.mark.parametrize("scheme", ["smtp+starttls", "smtps"])
def test_certificate_for_another_host_is_refused(
    tmp_path: Path, certificates: Certificates, scheme: str
) -> None:
    """Signed by the trusted CA, but for another name: the host name is checked too."""
    context = certificates.context("mail.example.org")
    tls = {"implicit": context} if scheme == "smtps" else {"starttls": context}
    with smtp_server(**tls) as server:
        store, settings = _store(
            tmp_path, server.url(scheme, "desk"), smtp_ca_file=str(certificates.ca_file)
        )
        _queue(store, 1)
        delivery = deliver_pending(store, settings)
    [failure] = delivery.failed
    assert failure.reason.startswith(f"certificate of 127.0.0.1:{server.port} not trusted (")
    assert "mismatch" in failure.reason
    assert server.logins == [] and server.messages == []


def test_missing_ca_file_is_named(tmp_path: Path, certificates: Certificates) -> None:
    missing = tmp_path / "no-such-ca.pem"
    with smtp_server(starttls=certificates.context(*LOCAL_NAMES)) as server:
        store, settings = _store(tmp_path, server.url("smtp"), smtp_ca_file=str(missing))
        _queue(store, 1)
        delivery = deliver_pending(store, settings)
    [failure] = delivery.failed
    assert failure.reason == f"cannot use smtp_ca_file {missing}: No such file or directory"
    assert server.messages == []


def test_default_port_of_each_scheme() -> None:
    addresses = {
        "smtp://mail.example.org": "mail.example.org:25",
        "smtp+starttls://mail.example.org": "mail.example.org:587",
        "smtps://mail.example.org": "mail.example.org:465",
        "smtp+starttls://mail.example.org:2525": "mail.example.org:2525",
    }
    for url, address in addresses.items():
        reason = smtp_reason(ConnectionRefusedError(), urlsplit(url))
        assert reason == f"connection refused to {address}", url
