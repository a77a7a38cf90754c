from __future__ import annotations

import pytest

from extractors.encoding import decode_html

TEXT = "<html><body><p>Россия и Грузия: переговоры о прямых рейсах</p></body></html>"


@pytest.mark.parametrize(
    ("content", "content_type", "encoding"),
    [
        (TEXT.encode("cp1251"), "text/html; charset=windows-1251", "cp1251"),
        (TEXT.replace("<html>", '<html><meta charset="koi8-r">').encode("koi8_r"), "", "koi8-r"),
        (TEXT.encode("utf-8"), "text/html", "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "text/html; charset=cp1251", "utf-8-sig"),
    ],
    ids=["header", "meta", "undeclared-utf-8", "bom-beats-header"],
)
def test_declared_charsets_are_used(content: bytes, content_type: str, encoding: str) -> None:
    text, used = decode_html(content, content_type)
    assert used == encoding
    assert "Россия и Грузия" in text


def test_wrong_declaration_falls_back_to_what_decodes() -> None:
    # Declared UTF-8, sent in windows-1251: the declaration fails, the guess reads it.
    text, used = decode_html(TEXT.encode("cp1251") * 5, "text/html; charset=utf-8")
    assert used != "utf-8"
    assert "Грузия" in text


def test_latin1_label_reads_as_windows_1252() -> None:
    text, _ = decode_html("<p>“quoted”</p>".encode("cp1252"), "text/html; charset=ISO-8859-1")
    assert text == "<p>“quoted”</p>"
