"""Bytes of a page to text, trusting what the server and the page declare before guessing.

trafilatura alone tries UTF-8 and then a statistical guess, which reads short windows-1251
pages as other Cyrillic code pages; the HTTP header and ``<meta charset>`` settle most pages.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_META_SCAN_BYTES = 4096


def decode_html(content: bytes, content_type: str = "") -> tuple[str, str]:
    """The page as text and the encoding used: byte-order mark, then the HTTP header's
    charset, then the page's ``<meta>`` charset, then UTF-8, then a statistical guess."""
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return content.decode(encoding, errors="replace"), encoding
    header = _HEADER_CHARSET.search(content_type)
    meta = _META_CHARSET.search(content[:_META_SCAN_BYTES])
    labels = (
        header.group(1) if header else "",
        meta.group(1).decode("ascii", "ignore") if meta else "",
    )
    if _is_utf8_text(content) and not all(_multibyte(_codec(label)) for label in labels if label):
        # Servers often default to latin-1 for pages written in UTF-8; bytes that read as
        # non-ASCII UTF-8 are practically never a single-byte text by accident.
        return content.decode("utf-8"), "utf-8"
    for label in labels:
        codec = _codec(label)
        if codec:
            try:
                return content.decode(codec), codec
            except UnicodeDecodeError:
                continue
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(content[:20000]).best()
    encoding = best.encoding if best else "cp1252"
    return content.decode(encoding, errors="replace"), encoding


def _is_utf8_text(content: bytes) -> bool:
    if content.isascii():
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _multibyte(codec: str | None) -> bool:
    """Whether a codec is one a UTF-8 byte stream could rightly be labelled with."""
    return codec is None or codec.startswith(
        ("utf", "gb", "big5", "euc", "shift", "iso2022", "cp9")
    )


def _codec(label: str) -> str | None:
    if not label:
        return None
    # Browsers read pages labelled latin-1 / ISO-8859-1 as windows-1252.
    name = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252"}.get(
        label.lower(), label
    )
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None
