"""Emails as the desk reads them: a story's alert (every outlet that carried it), a follow-up
threaded under it when another outlet carries it later, and the digest of a period.

Each story reads the same in an alert and in a digest: the headline and the clean link, who
published it when (in the desk's ``digest_timezone``), the lede, why it was flagged (the
passage the model relied on, the score, a few terms of evidence for and against, named as
such), and every outlet that carried it with its language and link; the model is named once,
in the footer. The text part is wrapped for a terminal mail client; every value taken from a
page is escaped in the HTML part."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable, Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from extractors.dates import day_only, day_shown
from extractors.lede import lede, same_as_title
from extractors.urls import canonical_url
from newsmon.digests import Period
from newsmon.language_names import language_name
from newsmon.settings import Settings
from newsmon.store import ArticleRow, NoticeRow, PendingAlert, PendingDigest, now, story_lead

# Columns of the text part: what a terminal mail client shows without wrapping again.
WIDTH = 78
# Terms of evidence shown of each kind, the strongest first (the classifier ranks them);
# the rest are counted.
TERMS_SHOWN = 5
ORDINALS = ("first", "second", "third")
TH_STYLE = "white-space:nowrap;vertical-align:top;padding-right:1em"


def render(alert: PendingAlert, settings: Settings) -> EmailMessage:
    story = alert.story
    # An alert tells its story by its lead; a follow-up by the copy it announces, under
    # the subject of the alert it answers (mail clients thread by subject too).
    if alert.kind == "followup":
        article = alert.article
        subject = f"Re: {_subject(alert.thread_story or story)}"
        heading = f"Also carried by {article.outlet}"
    else:
        article = story_lead(story)
        subject = _subject(story)
        heading = ""
    message = _message(alert.key, alert.recipient, subject, settings)
    if alert.kind == "followup":
        # Mail clients thread on these: the follow-up sits under the story's alert.
        message["In-Reply-To"] = message["References"] = message_id(alert.thread_key)
    text = ([heading, ""] if heading else []) + _story_text(article, story, settings, "")
    message.set_content("\n".join([*text, *_footer_text(story)]))
    head = f"<p><strong>{html.escape(heading)}</strong></p>" if heading else ""
    body = head + _story_html(article, story, settings) + _footer_html(story)
    message.add_alternative(html_document(body), "html")
    return message


def headline(row: PendingAlert | PendingDigest | NoticeRow) -> str:
    """What a message is about, in a few words: to name it when it could not be sent."""
    if isinstance(row, PendingAlert):
        return _title(row.article if row.kind == "followup" else story_lead(row.story))
    if isinstance(row, PendingDigest):
        count = len(row.stories)
        return f"digest of {count} {plural('story', count)}"
    return row.subject


def message_id(key: str) -> str:
    return f"<{key}@newsmon>"


def _message(key: str, recipient: str, subject: str, settings: Settings) -> EmailMessage:
    """A message's headers; its Message-ID is its idempotency key, so a resend is the same."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.alert_from
    message["To"] = recipient
    message["Date"] = format_datetime(now())
    message["Message-ID"] = message_id(key)
    message["X-Newsmon-Key"] = key
    return message


# What a story says, in words: shared by the text and the HTML part.


def reader_link(article: ArticleRow) -> str:
    """The link to give a reader, without tracking parameters or fragment: the page's own
    canonical link where it declared one (stored cleaned); else the address it was fetched
    at, cleaned the same way. The stored key also moves http to https and drops "www.",
    which matches copies but is not promised to resolve, so an undeclared one is not used."""
    if not article.canonical_url or not article.url:
        return article.canonical_url or article.url or ""
    if canonical_url(article.url) != article.canonical_url:
        return article.canonical_url
    fetched, clean = urlsplit(article.url), urlsplit(article.canonical_url)
    return urlunsplit((fetched.scheme, fetched.netloc, fetched.path, clean.query, ""))


def given_day_only(article: ArticleRow) -> bool:
    """The page or feed gave a day and no time: stored as midnight UTC, and midnight is read
    as a day alone (as dates.choose_published reads it); an archive's capture time is a time."""
    when = article.published_at
    return when is not None and article.published_from != "archive" and day_only(when)


def _published(article: ArticleRow, zone: str) -> str:
    """When the article was published, in the desk's time zone with the zone named."""
    when = article.published_at
    if when is None:
        return f"publication time unknown; first seen {_local(article.fetched_at, zone)}"
    if given_day_only(article):
        return day_shown(when)
    if article.published_from == "archive":
        return f"{_local(when, zone)}, when archived (no date on the page)"
    return _local(when, zone)


def _local(moment: datetime, zone: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    offset = "" if zone == "UTC" else f" (UTC{local.isoformat()[-6:]})"
    return f"{local:%Y-%m-%d %H:%M} {zone}{offset}"


def _reason(article: ArticleRow, opening: tuple[str, ...]) -> tuple[str, str]:
    """Why it was flagged: ("quote", the passage the model relied on), or ("note", where it
    is) when that passage is a sentence of the lede shown above or is only the headline."""
    passage = _one_line(article.passage or "")
    if not passage or same_as_title(passage, _title(article)):
        return "note", "its headline; no sentence of the text stood out."
    number = _in_lede(passage, opening)
    if number is not None:
        return "note", f"the {ORDINALS[number]} sentence of the lede, above."
    return "quote", passage


def _in_lede(passage: str, opening: tuple[str, ...]) -> int | None:
    """Which sentence of the lede holds the passage (which may be cut short with "…")."""
    bare = _one_line(passage).rstrip("…")
    return next((n for n, sentence in enumerate(opening) if bare and bare in sentence), None)


def _score(article: ArticleRow, settings: Settings) -> str:
    if article.score is None:
        return "score n/a"
    return f"score {article.score:.2f}, threshold {settings.threshold:.2f}"


def _evidence(terms: list[str] | None) -> str:
    """The strongest few terms and how many more; "none" when there are none."""
    shown = list(terms or [])[:TERMS_SHOWN]
    more = len(terms or []) - len(shown)
    return ", ".join(shown) + (f" (and {more} more)" if more else "") if shown else "none"


def _byline(article: ArticleRow, zone: str) -> str:
    return f"{article.outlet} · {language_name(article.lang)} · {_published(article, zone)}"


def _languages(story: Sequence[ArticleRow]) -> str:
    return ", ".join(dict.fromkeys(language_name(a.lang) for a in story))


def _opening(article: ArticleRow) -> tuple[str, ...]:
    return lede(article.text or "", _title(article))


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _subject(story: Sequence[ArticleRow]) -> str:
    """The lead's outlet, how many more, its headline, and every language, the lead's first."""
    lead = story_lead(story)
    outlets = list(dict.fromkeys([lead.outlet, *(a.outlet for a in story)]))
    named = outlets[0] if len(outlets) == 1 else f"{outlets[0]} and {len(outlets) - 1} more"
    return f"[newsmon] {named}: {_title(lead)} ({_languages([lead, *story])})"


def plural(noun: str, count: int) -> str:
    """The noun for that many: one story, two stories; one message, two messages."""
    if count == 1:
        return noun
    return f"{noun[:-1]}ies" if noun.endswith("y") else f"{noun}s"


def _title(article: ArticleRow) -> str:
    return _one_line(article.title or "") or article.url or ""


def _models(articles: Iterable[ArticleRow]) -> str:
    return ", ".join(dict.fromkeys(a.model for a in articles if a.model)) or "none"


# The text part: wrapped at WIDTH, links on lines of their own so that they stay whole.


def _wrap(text: str, indent: str, first: str | None = None) -> list[str]:
    start = indent if first is None else first
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=start,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [start.rstrip()]


def _story_text(
    article: ArticleRow, story: tuple[ArticleRow, ...], settings: Settings, indent: str
) -> list[str]:
    zone, opening = settings.digest_timezone, _opening(article)
    lines = [*_wrap(_title(article), indent), *_wrap(_byline(article, zone), indent)]
    lines += ["", *_wrap(" ".join(opening), indent), ""] if opening else [""]
    kind, why = _reason(article, opening)
    asked = f"Why it was flagged ({_score(article, settings)}):"
    if kind == "quote":
        lines += [*_wrap(asked, indent), *_wrap(f"“{why}”", indent + "  ")]
    else:
        lines += _wrap(f"{asked} {why}", indent + "  ", first=indent)
    lines += _wrap(f"Evidence for: {_evidence(article.terms)}", indent + "  ")
    lines += _wrap(f"Evidence against: {_evidence(article.terms_against)}", indent + "  ")
    return [
        *lines,
        "",
        f"{indent}Read it: {reader_link(article)}",
        *_carried_text(story, zone, indent),
    ]


def _carried_text(story: tuple[ArticleRow, ...], zone: str, indent: str) -> list[str]:
    """Every outlet with its language, time and link; nothing for one outlet, which the
    byline and the link have named."""
    lines = ["", f"{indent}Carried by:"] if len(story) > 1 else []
    for copy in story if lines else ():
        named = f"{copy.outlet} ({language_name(copy.lang)}): {_title(copy)}"
        lines += _wrap(named, indent + "    ", first=indent + "  - ")
        lines += [
            *_wrap(_published(copy, zone), indent + "    "),
            f"{indent}    {reader_link(copy)}",
        ]
    return lines


def _footer_text(story: Iterable[ArticleRow]) -> list[str]:
    # "-- " opens a signature: terminal mail clients dim it or leave it out of replies.
    return ["", "-- ", f"newsmon · model {_models(story)}", ""]


# The HTML part: every page-derived value escaped; dir="auto" lets Arabic read right to left.


def _story_html(
    article: ArticleRow, story: tuple[ArticleRow, ...], settings: Settings, number: int = 0
) -> str:
    """An alert's story (``number`` 0), or a digest's story of that number."""
    zone, opening = settings.digest_timezone, _opening(article)
    level, prefix = ("h3", f"{number}. ") if number else ("h2", "")
    href = html.escape(reader_link(article), quote=True)
    kind, why = _reason(article, opening)
    quoted = f"<blockquote dir='auto'>{html.escape(why)}</blockquote>"
    rows = (
        ("Evidence for", _evidence(article.terms)),
        ("Evidence against", _evidence(article.terms_against)),
    )
    return (
        f"<{level} dir='auto'>{prefix}<a href=\"{href}\">{html.escape(_title(article))}</a>"
        f"</{level}>"
        f"<p style='color:#555'>{html.escape(_byline(article, zone))}</p>"
        + _lede_html(opening, article.passage or "")
        + f"<p><strong>Why it was flagged</strong> ({html.escape(_score(article, settings))}):"
        + (f"</p>{quoted}" if kind == "quote" else f" {html.escape(why)}</p>")
        + "<table>"
        + "".join(
            f"<tr><th align='left' style='{TH_STYLE}'>{name}</th>"
            f"<td dir='auto'>{html.escape(value)}</td></tr>"
            for name, value in rows
        )
        + "</table>"
        + _carried_html(story, zone)
    )


def _lede_html(opening: tuple[str, ...], passage: str) -> str:
    """The lede, the sentence the model relied on marked where it is one of them."""
    marked = _in_lede(passage, opening)
    sentences = (
        f"<mark>{html.escape(s)}</mark>" if n == marked else html.escape(s)
        for n, s in enumerate(opening)
    )
    return f"<p dir='auto'>{' '.join(sentences)}</p>" if opening else ""


def _carried_html(story: tuple[ArticleRow, ...], zone: str) -> str:
    if len(story) == 1:
        return ""
    items = "".join(
        f"<li>{html.escape(a.outlet)} ({html.escape(language_name(a.lang))}): "
        f'<a href="{html.escape(reader_link(a), quote=True)}" dir="auto">'
        f"{html.escape(_title(a))}</a>"
        f" <small style='color:#555'>{html.escape(_published(a, zone))}</small></li>"
        for a in story
    )
    return f"<p>Carried by:</p><ul>{items}</ul>"


def _footer_html(story: Iterable[ArticleRow]) -> str:
    models = html.escape(_models(story))
    return f"<hr><p style='font-size:small;color:#777'>newsmon · model {models}</p>"


def html_document(body: str) -> str:
    """A whole HTML document; the charset is declared for pages saved outside the email."""
    return (
        "<!doctype html><html><head><meta charset='utf-8'></head>"
        f"<body style='font-family:sans-serif;max-width:48em'>{body}</body></html>"
    )


def render_digest(digest: PendingDigest, settings: Settings) -> EmailMessage:
    """Every story of the period once, each as its alert tells it (its best-scored
    article's headline, lede and reasons, and every outlet that carried it)."""
    period = Period(digest.period_start, digest.period_end).label(settings.digest_timezone)
    count = len(digest.stories)
    noun = plural("story", count)
    message = _message(digest.key, digest.recipient, f"[newsmon] Digest: {count} {noun}", settings)
    text = [f"{count} flagged {noun}, {period}", ""]
    parts = [f"<h2>{count} flagged {noun}</h2>", f"<p>{html.escape(period)}</p>"]
    for number, story in enumerate(digest.stories, start=1):
        lead = story_lead(story)
        block = _story_text(lead, story, settings, "   ")
        text += [f"{number}. {block[0].lstrip()}", *block[1:], ""]
        parts += ["<hr>", _story_html(lead, story, settings, number)]
    every = [a for story in digest.stories for a in story]
    message.set_content("\n".join(text[:-1] + _footer_text(every)))
    message.add_alternative(html_document("".join(parts) + _footer_html(every)), "html")
    return message


def render_notice(notice: NoticeRow, settings: Settings) -> EmailMessage:
    """A source's health changed: the admin's warning or recovery notice."""
    message = _message(notice.key, notice.recipient, notice.subject, settings)
    message.set_content(notice.body)
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in notice.body.split("\n\n"))
    message.add_alternative(html_document(paragraphs), "html")
    return message
