"""Emails as the desk reads them: a story's alert (every outlet that carried it), a follow-up
threaded under it when another outlet carries it later, and the digest of a period. Every
value taken from a page is escaped in the HTML part."""

from __future__ import annotations

import html
from email.message import EmailMessage
from email.utils import format_datetime

from newsmon.digests import Period
from newsmon.settings import Settings
from newsmon.store import ArticleRow, NoticeRow, PendingAlert, PendingDigest, now


def render(alert: PendingAlert, settings: Settings) -> EmailMessage:
    first, article, story = alert.story[0], alert.article, alert.story
    if alert.kind == "followup":
        subject = f"Re: [newsmon] {first.outlet}: {_title(first)}"
        heading = f"Also carried by {article.outlet}"
    else:
        subject = f"[newsmon] {_outlets_label(story)}: {_title(first)}"
        heading = ""
    message = _message(alert.key, alert.recipient, subject, settings)
    if alert.kind == "followup":
        # Mail clients thread on these: the follow-up sits under the story's alert.
        message["In-Reply-To"] = message["References"] = message_id(alert.thread_key)
    fields = _story_fields(article, story, settings)
    message.set_content(_text(article, heading, fields, story))
    message.add_alternative(_html(article, heading, fields, story), "html")
    return message


def headline(row: PendingAlert | PendingDigest | NoticeRow) -> str:
    """What a message is about, in a few words: to name it when it could not be sent."""
    if isinstance(row, PendingAlert):
        return _title(row.article)
    if isinstance(row, PendingDigest):
        count = len(row.stories)
        return f"digest of {count} {_story_noun(count)}"
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


def _story_fields(
    article: ArticleRow, story: tuple[ArticleRow, ...], settings: Settings
) -> list[tuple[str, str]]:
    published = article.published_at.isoformat(timespec="minutes") if article.published_at else ""
    languages = ", ".join(dict.fromkeys(a.lang or "und" for a in story))
    return [
        ("Outlets", ", ".join(dict.fromkeys(a.outlet for a in story))),
        ("Language", article.lang or "und"),
        ("Languages", languages),
        ("Published", published or "unknown"),
        (
            "Score",
            f"{article.score:.2f} (threshold {settings.threshold:.2f})"
            if article.score is not None
            else "n/a",
        ),
        ("Evidence for", ", ".join(article.terms or []) or "none"),
        ("Evidence against", ", ".join(article.terms_against or []) or "none"),
        ("Model", article.model or ""),
    ]


def _fields_html(fields: list[tuple[str, str]]) -> str:
    rows = "".join(
        f"<tr><th align='left'>{html.escape(name)}</th><td>{html.escape(value)}</td></tr>"
        for name, value in fields
    )
    return f"<table>{rows}</table>"


def _carried_by(story: tuple[ArticleRow, ...], indent: str) -> list[str]:
    return [f"{indent}{a.outlet} ({a.lang or 'und'}): {a.url}" for a in story]


def _links_html(story: tuple[ArticleRow, ...]) -> str:
    items = "".join(
        f"<li>{html.escape(a.outlet)} ({html.escape(a.lang or 'und')}): "
        f'<a href="{html.escape(a.url, quote=True)}">{html.escape(_title(a))}</a></li>'
        for a in story
    )
    return f"<ul>{items}</ul>"


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _outlets_label(story: tuple[ArticleRow, ...]) -> str:
    outlets = list(dict.fromkeys(a.outlet for a in story))
    return outlets[0] if len(outlets) == 1 else f"{outlets[0]} and {len(outlets) - 1} more"


def _story_noun(count: int) -> str:
    return "story" if count == 1 else "stories"


def _title(article: ArticleRow) -> str:
    return _one_line(article.title) or article.url


def _text(
    article: ArticleRow, heading: str, fields: list[tuple[str, str]], story: tuple[ArticleRow, ...]
) -> str:
    lines = [heading, ""] if heading else []
    lines += [_title(article), ""]
    lines += [f"{name}: {value}" for name, value in fields]
    lines += ["", "Why it was flagged:", f"  {_one_line(article.passage or '')}", "", "Carried by:"]
    lines += _carried_by(story, "  ")
    lines += ["", f"Link: {article.url}", ""]
    return "\n".join(lines)


def _html(
    article: ArticleRow, heading: str, fields: list[tuple[str, str]], story: tuple[ArticleRow, ...]
) -> str:
    link = html.escape(article.url, quote=True)
    return html_document(
        (f"<p><strong>{html.escape(heading)}</strong></p>" if heading else "")
        + f'<h2><a href="{link}">{html.escape(_title(article))}</a></h2>'
        + _fields_html(fields)
        + "<h3>Why it was flagged</h3>"
        f"<blockquote>{html.escape(article.passage or '')}</blockquote>"
        f"<h3>Carried by</h3>{_links_html(story)}"
        f'<p><a href="{link}">{html.escape(article.url)}</a></p>'
    )


def html_document(body: str) -> str:
    """A whole HTML document; the charset is declared for pages saved outside the email."""
    return (
        "<!doctype html><html><head><meta charset='utf-8'></head>"
        f"<body style='font-family:sans-serif'>{body}</body></html>"
    )


def render_digest(digest: PendingDigest, settings: Settings) -> EmailMessage:
    """Every story of the period once, with its outlets, reasons and links."""
    period = Period(digest.period_start, digest.period_end).label(settings.digest_timezone)
    count = len(digest.stories)
    noun = _story_noun(count)
    message = _message(digest.key, digest.recipient, f"[newsmon] Digest: {count} {noun}", settings)
    text = [f"{count} flagged {noun}, {period}", ""]
    parts = [
        f"<h2>{count} flagged {noun}</h2>",
        f"<p>{html.escape(period)}</p>",
    ]
    for number, story in enumerate(digest.stories, start=1):
        lead = max(story, key=lambda a: a.score or 0.0)
        fields = _story_fields(lead, story, settings)
        text += [f"{number}. {_title(story[0])}"]
        text += [f"   {name}: {value}" for name, value in fields]
        text += [f"   Why: {_one_line(lead.passage or '')}"]
        text += [*_carried_by(story, "   "), ""]
        parts += [
            f"<h3>{number}. {html.escape(_title(story[0]))}</h3>",
            _fields_html(fields),
            f"<blockquote>{html.escape(lead.passage or '')}</blockquote>",
            _links_html(story),
        ]
    message.set_content("\n".join(text))
    message.add_alternative(html_document("".join(parts)), "html")
    return message


def render_notice(notice: NoticeRow, settings: Settings) -> EmailMessage:
    """A source's health changed: the admin's warning or recovery notice."""
    message = _message(notice.key, notice.recipient, notice.subject, settings)
    message.set_content(notice.body)
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in notice.body.split("\n\n"))
    message.add_alternative(html_document(paragraphs), "html")
    return message
