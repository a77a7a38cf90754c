"""Main text and metadata of an article page: trafilatura for the text, the page's declared
metadata (and htmldate) for title, author, date, canonical link and site name.

Extraction favours precision, which on some layouts throws most of the article away. When
trafilatura's own extractor misses a body (paragraphs split by ``<br>`` directly inside
``<article>``, say), precision mode skips the baseline and recall rescues and leaves it to
jusText, which keeps a paragraph by its length in characters (over 150) and its share of
stopwords between spaces: CJK sentences are 30 to 80 characters and run without spaces, so a
Korean or Japanese story goes entirely and a copyright line or the readers' comments are what
is left. The page's own markup guards against that: when a recall-oriented extraction finds
far more text inside what the page declares to be its article (``itemprop=articleBody``,
``<article>``, ``<main>``; see ``far_more``), its lines inside that markup are taken; when
even they fall far short of the page's JSON-LD ``articleBody``, that is taken.
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import replace
from datetime import datetime

import lxml.html
import trafilatura
from lxml.etree import ParserError

from extractors.dates import choose_published
from extractors.encoding import decode_html
from extractors.furniture import strip_furniture
from extractors.metadata import html_language, read_metadata
from extractors.records import ExtractedArticle, FeedEntry

MIN_TEXT_CHARS = 200
# The precision pass runs first without trafilatura's fallback extractors (readability and
# jusText, compared against its own: a third of the time). Under this many characters, or far
# less than the article markup holds, it is run again with them. Chosen on the ScrapingHub
# pages (docs/benchmarks.md): with no second pass 4 more of 181 pages lost half their body.
FALLBACKS_BELOW_CHARS = 500
# "Far less": the precision extraction ate the article when a fuller one finds more than
# this many times its text inside the page's article markup.
LOSS_FACTOR = 2
# What the page declares as its article, most specific first; the first that holds text wins.
_ARTICLE_MARKUP = (
    "//*[@itemprop='articleBody']",
    "//article",
    "//main | //*[@role='main']",
)
# Some themes mark each reader comment up as an <article>.
_COMMENT = re.compile(r"comment", re.IGNORECASE)
# Inside the article markup, what is still not the article.
_NOT_ARTICLE = (
    ".//nav | .//aside | .//footer | .//form | .//script | .//style | .//noscript"
    " | .//template | .//button | .//select"
    " | .//*[contains(@id, 'comment') or contains(@class, 'comment')]"
)


class Unparseable(ValueError):
    """The page holds no extractable article; keep its raw bytes for inspection."""


def extract_article(html: bytes, url: str, content_type: str = "") -> ExtractedArticle:
    """Extract title, main text, dates and canonical link from raw HTML bytes; the
    response's content type, when known, names the charset."""
    if not html.strip():
        raise Unparseable("empty page")
    if b"\x00" in html[:4096]:
        raise Unparseable("binary content, not HTML")
    page, _ = decode_html(html, content_type)
    try:
        tree = trafilatura.load_html(page)
    except (ValueError, ParserError) as exc:
        raise Unparseable(f"HTML the parser cannot read: {exc}") from exc
    if tree is None:
        raise Unparseable("no HTML document in it")
    # Read before extraction: trafilatura prunes the tree it is given.
    meta = read_metadata(tree, url)
    html_lang = html_language(tree)
    markup = ArticleMarkup.of(tree, meta.article_body)
    # Favouring precision drops link lists and teasers the desk never wants quoted;
    # tables stay, since articles put figures in them.
    body = _extract(tree, url, precision=True, fallbacks=False)
    if len(body) < FALLBACKS_BELOW_CHARS or markup.holds_more_than(body):
        # The first pass pruned the tree: the second reads the page afresh.
        body = _extract(trafilatura.load_html(page), url, precision=True, fallbacks=True)
    if markup.holds_more_than(body):
        body = _guarded(body, page, url, markup)
    if not body:
        raise Unparseable("no main text found")
    title = strip_furniture(meta.title)
    return ExtractedArticle(
        title=title,
        text=_without_title(strip_furniture(body), title),
        published=meta.published,
        canonical_url=meta.canonical_url,
        site_name=meta.site_name,
        html_lang=html_lang,
        author=meta.author,
        published_from="page" if meta.published else None,
    )


class ArticleMarkup:
    """The text a page's own markup declares to be its article, squashed (no whitespace) so
    that extracted lines can be looked up in it whatever spacing the extractor chose."""

    def __init__(self, element_text: str, declared_body: str) -> None:
        self.declared_body = declared_body
        self._squashed = (_squash(element_text), _squash(declared_body))

    @classmethod
    def of(cls, tree: lxml.html.HtmlElement, declared_body: str = "") -> ArticleMarkup:
        """The page's article markup: the first kind of ``_ARTICLE_MARKUP`` found (all the
        ``articleBody`` parts; the longest ``<article>`` or ``<main>``), without its navigation,
        forms and comments; and the JSON-LD ``articleBody`` when the page declares one."""
        for expression in _ARTICLE_MARKUP:
            found = [e for e in tree.xpath(expression) if not _COMMENT.search(_names(e))]
            texts = [_element_text(element) for element in found]
            texts = [text for text in texts if text.strip()]
            if texts:
                joined = "\n".join(texts) if "articleBody" in expression else max(texts, key=len)
                return cls(joined, declared_body)
        return cls("", declared_body)

    def size(self) -> int:
        return max(len(squashed) for squashed in self._squashed)

    def holds_more_than(self, text: str) -> bool:
        """Whether the markup may hold far more article than the text: more than
        ``LOSS_FACTOR`` times what the text has inside it, and enough to stand for all of the
        text. A cheap test before a fuller extraction, which decides (``_guarded``)."""
        return far_more(self.size(), self.share(text), len(_squash(text)))

    def share(self, text: str) -> int:
        """How much of a text (in squashed characters) lies inside the markup."""
        return len(_squash(self.inside(text)))

    def contains(self, line: str) -> bool:
        squashed = _squash(line)
        return bool(squashed) and any(squashed in markup for markup in self._squashed)

    def inside(self, text: str) -> str:
        """The lines of a text that lie inside the article markup."""
        return "\n".join(line for line in text.splitlines() if self.contains(line))


def _guarded(precise: str, page: str, url: str, markup: ArticleMarkup) -> str:
    """The precise text, or the recall-oriented extraction's lines inside the article markup
    when they hold far more article (``far_more``); the JSON-LD ``articleBody`` when even
    that is less than a ``LOSS_FACTOR``-th of it (a body drawn by script, say)."""
    try:
        fuller = markup.inside(
            _extract(trafilatura.load_html(page), url, precision=False, fallbacks=False)
        )
    except Unparseable:
        fuller = ""
    found = len(_squash(fuller))
    taken = far_more(found, markup.share(precise), len(_squash(precise)))
    best = fuller if taken else precise
    if len(_squash(markup.declared_body)) > LOSS_FACTOR * len(_squash(best)):
        return markup.declared_body
    return best


def far_more(found: int, kept_inside: int, kept: int) -> bool:
    """Whether article text found (characters) outweighs what an extraction kept: more than
    ``LOSS_FACTOR`` times what it kept inside the article markup, and at least a
    ``LOSS_FACTOR``-th of all it kept (a photo box marked up as an <article> does not
    replace the story told beside it)."""
    return found > LOSS_FACTOR * kept_inside and LOSS_FACTOR * found >= kept


def _extract(tree: lxml.html.HtmlElement | None, url: str, precision: bool, fallbacks: bool) -> str:
    if tree is None:
        return ""
    try:
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            include_comments=False,
            include_tables=True,
            favor_precision=precision,
            favor_recall=not precision,
            fast=not fallbacks,
        )
    except (ValueError, ParserError) as exc:
        raise Unparseable(f"extraction failed: {exc}") from exc
    if document is None:
        return ""
    body = document.get("text") if isinstance(document, dict) else document.text
    return str(body or "")


def _element_text(element: lxml.html.HtmlElement) -> str:
    """An element's text without what is not article inside it."""
    copy = deepcopy(element)
    for unwanted in copy.xpath(_NOT_ARTICLE):
        unwanted.drop_tree()
    return str(copy.text_content())


def _names(element: lxml.html.HtmlElement) -> str:
    return f"{element.get('id') or ''} {element.get('class') or ''}"


def _squash(text: str) -> str:
    return "".join(text.replace("|", " ").split())


def with_feed_fallback(
    article: ExtractedArticle, entry: FeedEntry, captured: datetime | None = None
) -> ExtractedArticle:
    """Use the feed entry's title and summary where extraction came up short. The date is
    the page's own, else the entry's (feed, listing or sitemap), else the archive's capture
    time; a page that gives only the day takes the time of day from an entry of that day."""
    summary = strip_furniture(_plain(entry.summary)) if entry.summary else ""
    short = len(article.text) < MIN_TEXT_CHARS and len(summary) > len(article.text)
    dated = choose_published(article.published, entry.published, captured)
    return replace(
        article,
        title=article.title or entry.title,
        text=summary if short else article.text,
        published=dated.when,
        published_from=dated.source,
        note="text below minimum length: feed summary used" if short else article.note,
    )


def _without_title(text: str, title: str) -> str:
    """Drop the headline where the extractor repeated it as the first line of the text."""
    first, _, rest = text.partition("\n")
    return rest if title and first.strip() == title.strip() else text


def _plain(fragment: str) -> str:
    try:
        return str(lxml.html.fromstring(fragment).text_content())
    except (ParserError, ValueError):
        return fragment
