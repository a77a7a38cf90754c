"""Page furniture that survives boilerplate removal: section labels, mastheads, repeated
captions, "Also read" blocks, navigation in another script."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

_FURNITURE_LINES = re.compile(
    r"^(also read|read also|read more|see also|related|related articles|related news|"
    r"more news|latest news|most read|back to top( button)?|ads?|advertisement|sponsored|"
    r"share( this)?( article)?|follow us.*|subscribe.*|news|print|tags?|comments?)\W*$",
    re.IGNORECASE,
)
_MASTHEAD = re.compile(
    r"^(supervisor|editor[- ]in[- ]chief|chief editor|managing editor|board chairman|"
    r"chairman of the board|editorial director)\b",
    re.IGNORECASE,
)
_SHORT_LINE_WORDS = 12


def strip_furniture(text: str) -> str:
    """Drop furniture lines from extracted text, keeping the article's own paragraphs."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    main_script = dominant_script(text)
    counts = Counter(line for line in lines if _is_short(line))
    kept = [
        line
        for line in lines
        if not _FURNITURE_LINES.match(line)
        and not (_MASTHEAD.match(line) and _is_short(line))
        and counts[line] < 2
        and not (_is_short(line) and _foreign_script(line, main_script))
    ]
    return "\n".join(kept)


def dominant_script(text: str) -> str | None:
    """The script most letters of the text are written in (LATIN, ARABIC, GEORGIAN...)."""
    scripts = Counter(script_of(ch) for ch in text if ch.isalpha())
    return scripts.most_common(1)[0][0] if scripts else None


def script_of(char: str) -> str:
    """Unicode script of a letter, read from the first word of its Unicode name."""
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def _is_short(line: str) -> bool:
    return len(line.split()) <= _SHORT_LINE_WORDS and not line.endswith((".", "!", "?", "»", "”"))


def _foreign_script(line: str, main_script: str | None) -> bool:
    line_script = dominant_script(line)
    return main_script is not None and line_script is not None and line_script != main_script
