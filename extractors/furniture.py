"""Page furniture that survives boilerplate removal: section labels, mastheads, captions
printed twice, "Also read" blocks, navigation in another script."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

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
_SENTENCE_ENDS = (".", "!", "?", "»", "”", "。", "！", "？", "؟", "।", "…")
# Scripts one language mixes in running text: Japanese writes kanji, kana and Latin together.
_SCRIPT_FAMILIES = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HALFWIDTH": "CJK", "FULLWIDTH": "CJK"}
_SAMPLE_LETTERS = 2000


def strip_furniture(text: str) -> str:
    """Drop furniture lines from extracted text, keeping the article's own paragraphs."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    main_script = dominant_script(text)
    kept = []
    for index, line in enumerate(lines):
        short = _is_short(line)
        doubled = short and line in (lines[index - 1] if index else None, _next(lines, index))
        if (
            _FURNITURE_LINES.match(line)
            or (short and _MASTHEAD.match(line))
            or doubled
            or (short and _foreign_script(line, main_script))
        ):
            continue
        kept.append(line)
    return "\n".join(kept)


def dominant_script(text: str) -> str | None:
    """The script most letters of the text are written in (LATIN, ARABIC, GEORGIAN...)."""
    letters = [ch for ch in text if ch.isalpha()][:_SAMPLE_LETTERS]
    scripts = Counter(script_of(ch) for ch in letters)
    return scripts.most_common(1)[0][0] if scripts else None


@lru_cache(maxsize=4096)
def script_of(char: str) -> str:
    """Unicode script of a letter, read from the first word of its Unicode name."""
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def _next(lines: list[str], index: int) -> str | None:
    return lines[index + 1] if index + 1 < len(lines) else None


def _is_short(line: str) -> bool:
    return len(line.split()) <= _SHORT_LINE_WORDS and not line.endswith(_SENTENCE_ENDS)


def _foreign_script(line: str, main_script: str | None) -> bool:
    line_script = dominant_script(line)
    if main_script is None or line_script is None:
        return False
    return _SCRIPT_FAMILIES.get(line_script, line_script) != _SCRIPT_FAMILIES.get(
        main_script, main_script
    )
