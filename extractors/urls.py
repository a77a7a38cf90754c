"""URL canonicalization: one key per article whatever tracking or mobile variant was linked."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from courlan.urlutils import get_tldinfo

_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|igshid|"
    r"_ga|_gl|ref|ref_src|cmpid|ito|at_medium|at_campaign|rss|from|output)$",
    re.IGNORECASE,
)
_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")


def is_web_address(address: str) -> bool:
    """An http(s) URL with a host; a malformed one (an unclosed IPv6 bracket, a port out of
    range) is none."""
    return web_link("", address) is not None


def web_link(base_url: str, link: str) -> str | None:
    """The http(s) URL a link on a page at ``base_url`` points to; None for another scheme
    (mailto:, javascript:) or a malformed URL, which no request could fetch."""
    try:
        url = urljoin(base_url, link.strip())
        parts = urlsplit(url)
        # Reading the port checks it: one out of range or not a number raises.
        fetchable = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:
        return None
    return url if fetchable else None


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no www./m./amp. prefix, no tracking parameters or fragment."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix) :]
            break
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = re.sub(r"/(amp)/?$", "/", parts.path) or "/"
    if path != "/" and path.endswith("/"):
        path = path.rstrip("/")
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING.match(k) and k.lower() != "amp"
    ]
    return urlunsplit(
        (
            "https" if parts.scheme in ("http", "https") else parts.scheme,
            host,
            path,
            urlencode(sorted(query)),
            "",
        )
    )


def same_site(first: str, second: str) -> bool:
    """Whether two URLs belong to one site: the same registrable domain (www.civil.ge and
    ka.civil.ge are one; civil.ge and agenda.ge are not)."""
    return _site(first) == _site(second)


def is_named_site(url: str) -> bool:
    """Whether the URL's host is a name under a suffix, not an address or a one-label name
    such as localhost (a mirror or a test server, which has no site of its own)."""
    host = (urlsplit(url).hostname or "").lower()
    return not (host.replace(".", "").isdigit() or ":" in host or "." not in host)


def _site(url: str) -> str:
    domain = get_tldinfo(url)[1]
    if domain:
        return str(domain).lower()
    parts = urlsplit(url)
    if not is_named_site(url):
        return parts.netloc.lower()  # one site per address and port
    # A name under a suffix the public list lacks (.example, .test): its last two labels.
    return ".".join((parts.hostname or "").lower().split(".")[-2:])
