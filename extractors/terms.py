"""Multilingual term evidence: which topic concepts a text names, in which words.

A term is one or more word beginnings ("normaliz", "восстановл отношени") matched at word
starts, case-insensitively, so inflected forms match; a term ending in "$" matches its last
word whole ("rusa$": Spanish rusa, not Indonesian rusak, broken). A concept's ``except`` list
names word beginnings that never count for it (Arabic روستافيلي, Rustaveli, begins as روس,
Russia, does). Matching goes word by word
through a prefix index rather than by one large regular expression: an article is read in
milliseconds whatever the number of terms.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

_WORD = re.compile(r"\w+")
# Ends a term whose last word must be matched whole.
_WHOLE = "$"
# A concept's list of word beginnings that never count for it.
_EXCEPT = "except"
_ARABIC = re.compile(r"[\u0600-\u06FF]")
# Arabic attaches conjunctions, prepositions and the article to the word they follow.
_ARABIC_CLITICS = re.compile(r"^(?:[وفبلك]{0,2}ال|[وفبلك]{1,2})(?=\w{3})")


# Share of a text's letters that must be in a script for the script to imply a concept.
IMPLYING_SHARE = 0.5


@dataclass(frozen=True)
class TopicTerms:
    """First-word prefix → (concept, the following words' prefixes, whether the last word is
    matched whole), for every term; and the concepts a text implies by being written mostly
    in one script."""

    name: str
    index: Mapping[str, tuple[tuple[str, tuple[str, ...], bool], ...]]
    implied_by_script: tuple[tuple[str, re.Pattern[str]], ...] = ()
    # Concept → word beginnings that never count for it.
    exceptions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def compile_terms(data: Mapping[str, object]) -> TopicTerms:
    """Build the index from a topic file's contents (``[concepts.<name>]`` tables of lists)."""
    concepts = data.get("concepts")
    if not isinstance(concepts, Mapping) or not concepts:
        raise ValueError("topic file has no [concepts.<name>] tables")
    index: dict[str, list[tuple[str, tuple[str, ...], bool]]] = {}
    exceptions: dict[str, tuple[str, ...]] = {}
    for concept, by_language in concepts.items():
        if not isinstance(by_language, Mapping):
            raise ValueError(f"concepts.{concept} must be a table of term lists")
        for language, words in by_language.items():
            if language == _EXCEPT:
                exceptions[concept] = tuple(fold_case(w) for w in _strings(concept, words))
                continue
            for term in _strings(concept, words):
                first, *rest = _WORD.findall(fold_case(term))
                whole = term.rstrip().endswith(_WHOLE)
                index.setdefault(first, []).append((concept, tuple(rest), whole))
    return TopicTerms(
        name=str(data.get("name", "")),
        index={prefix: tuple(entries) for prefix, entries in index.items()},
        implied_by_script=_scripts(data.get("implied_by_script", {})),
        exceptions=exceptions,
    )


def implied_concepts(text: str, terms: TopicTerms) -> list[str]:
    """Concepts the text implies by the script most of its letters are in."""
    letters = sum(ch.isalpha() for ch in text)
    return [
        concept
        for concept, script in terms.implied_by_script
        if letters and len(script.findall(text)) / letters >= IMPLYING_SHARE
    ]


def find_terms(text: str, terms: TopicTerms) -> dict[str, list[str]]:
    """Matched surface forms per concept, in order of first occurrence, lower-cased, unique."""
    words = _WORD.findall(fold_case(text))
    found: dict[str, dict[str, None]] = {}
    for position, word in enumerate(words):
        for form in _forms(word):
            for length in range(1, len(form) + 1):
                for concept, rest, whole in terms.index.get(form[:length], ()):
                    if form.startswith(terms.exceptions.get(concept, ())):
                        continue
                    following = words[position + 1 : position + 1 + len(rest)]
                    if len(following) == len(rest) and _starts(
                        [form, *following], [form[:length], *rest], whole
                    ):
                        surface = " ".join([word, *following])
                        found.setdefault(concept, {})[surface] = None
    return {concept: list(forms) for concept, forms in found.items()}


def _starts(words: list[str], prefixes: list[str], whole: bool) -> bool:
    """Each word starts with its prefix; with ``whole``, the last word is its prefix."""
    if whole and words[-1] != prefixes[-1]:
        return False
    return all(w.startswith(p) for w, p in zip(words, prefixes, strict=True))


def fold_case(text: str) -> str:
    """Lower case that Turkish and Azerbaijani survive: "İ" lowers to "i" plus a combining
    dot, which splits the word, and "I" is "ı" there; so both i's fold to one."""
    return text.replace("İ", "i").lower().replace("ı", "i")


def _forms(word: str) -> tuple[str, ...]:
    if _ARABIC.match(word):
        bare = _ARABIC_CLITICS.sub("", word)
        return (word, bare) if bare != word else (word,)
    return (word,)


def _scripts(data: object) -> tuple[tuple[str, re.Pattern[str]], ...]:
    if not isinstance(data, Mapping) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError("implied_by_script must map concepts to character classes")
    try:
        return tuple((concept, re.compile(f"[{chars}]")) for concept, chars in data.items())
    except re.error as exc:
        raise ValueError(f"implied_by_script: {exc}") from exc


def _strings(concept: str, words: object) -> Sequence[str]:
    if not isinstance(words, list) or not all(
        isinstance(w, str) and _WORD.search(w) for w in words
    ):
        raise ValueError(f"concepts.{concept}: every language must list non-empty strings")
    return words
