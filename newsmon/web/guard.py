"""Who may use the review page and which posts it accepts.

A token (NEWSMON_WEB_TOKEN) is asked of every request when set: `Authorization: Bearer`, or
once as `?token=`, which leaves a cookie derived from it. Forms carry a token tied to a
random cookie by an HMAC under a secret made when the process starts, and a post must come
from the page's own origin (Origin, else Referer): another site can neither read the token
nor send a matching Origin, so it cannot mark anything in an editor's name. Without a token,
a request must name this machine as its Host."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

LOOPBACK_NAMES = ("localhost",)


class BindError(Exception):
    """The page cannot listen where asked; the message says why and what to do."""


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def loopback_host_header(host: str | None) -> bool:
    """Whether a request's Host names this machine ("127.0.0.1:8765", "localhost",
    "[::1]:8765"). A page served without a token answers nothing else: a site whose name an
    attacker points at 127.0.0.1 (DNS rebinding) is its own origin to the browser, and would
    pass the origin check of forms."""
    try:
        name = urlsplit(f"//{host or ''}").hostname
    except ValueError:
        return False
    return is_loopback(name or "")


def check_binding(host: str, token: str) -> None:
    """Only this machine may reach a page without a token."""
    if not is_loopback(host) and not token:
        raise BindError(
            f"the review page on {host} needs a token: set NEWSMON_WEB_TOKEN "
            "(or bind web_host to 127.0.0.1)"
        )


@dataclass(frozen=True)
class Guard:
    token: str = ""
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    def _sign(self, *parts: str) -> str:
        message = "\n".join(parts).encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def login_cookie(self) -> str:
        """What the login cookie holds: not the token itself, and void after a restart."""
        return self._sign("login", self.token)

    def authorised(self, header: str | None, cookie: str | None) -> bool:
        """No token set, or the request carries it (as a bearer header or the cookie)."""
        if not self.token:
            return True
        scheme, _, sent = (header or "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(sent.strip(), self.token):
            return True
        return hmac.compare_digest(cookie or "", self.login_cookie())

    def token_matches(self, sent: str) -> bool:
        return bool(self.token) and hmac.compare_digest(sent, self.token)

    def form_token(self, session: str) -> str:
        return self._sign("csrf", session)

    def form_ok(self, session: str | None, sent: str | None) -> bool:
        if not session or not sent:
            return False
        return hmac.compare_digest(sent, self.form_token(session))


def new_session() -> str:
    return secrets.token_urlsafe(24)


def same_origin(own: str, origin: str | None, referer: str | None) -> bool:
    """Whether a post comes from the page itself: its Origin, else its Referer, names
    ``own`` (scheme://host:port). A post that says neither is refused."""
    if origin:
        return origin == own
    if referer:
        return referer == own or referer.startswith(own + "/")
    return False
