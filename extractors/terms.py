"""Multilingual term evidence: which topic concepts a text names, in which words."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Arabic attaches conjunctions, prepositions and the article to the word they precede.
_ARABIC_CLITICS = "(?:[وفبلك]?(?:ال)?)"
_ARABIC = re.compile(r"[\u0600-\u06FF]")


@dataclass(frozen=True)
class TopicTerms:
    """Compiled term patterns per concept (e.g. ``russia``, ``georgia``, ``relations``)."""

    name: str
    patterns: Mapping[str, re.Pattern[str]]


def compile_terms(data: Mapping[str, object]) -> TopicTerms:
    """Build patterns from a topic file's contents (``[concepts.<name>]`` tables of lists)."""
    concepts = data.get("concepts")
    if not isinstance(concepts, Mapping) or not concepts:
        raise ValueError("topic file has no [concepts.<name>] tables")
    patterns = {}
    for concept, by_language in concepts.items():
        if not isinstance(by_language, Mapping):
            raise ValueError(f"concepts.{concept} must be a table of term lists")
        terms = [term for words in by_language.values() for term in _strings(concept, words)]
        alternatives = sorted((_term_pattern(term) for term in terms), key=len, reverse=True)
        patterns[concept] = re.compile("|".join(alternatives), re.IGNORECASE)
    return TopicTerms(name=str(data.get("name", "")), patterns=patterns)


def find_terms(text: str, terms: TopicTerms) -> dict[str, list[str]]:
    """Matched surface forms per concept, first occurrence order, lower-cased, unique."""
    found: dict[str, list[str]] = {}
    for concept, pattern in terms.patterns.items():
        hits = dict.fromkeys(match.group(0).lower() for match in pattern.finditer(text))
        if hits:
            found[concept] = list(hits)
    return found


def _strings(concept: str, words: object) -> Sequence[str]:
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise ValueError(f"concepts.{concept}: every language must list non-empty strings")
    return words


def _term_pattern(term: str) -> str:
    words = term.lower().split()
    parts = [re.escape(word) + r"\w*" for word in words]
    lead = _ARABIC_CLITICS if _ARABIC.search(term) else ""
    # Words may be joined by spaces, hyphens or dashes (U+2013).
    return r"(?<!\w)" + lead + r"[\s\-\u2013]+".join(parts)
