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
    first, article = alert.story[0] if alert.story else alert.article, alert.article
    subject = f"[newsmon] {_outlets_label(alert.story or (article,))}: {_title(first)}"
    message = EmailMessage()
    message["From"] = settings.alert_from
    message["To"] = alert.recipient
    message["Date"] = format_datetime(now())
    message["Message-ID"] = message_id(alert.key)
    message["X-Newsmon-Key"] = alert.key
    if alert.kind == "followup":
        # Mail clients thread on these: the follow-up sits under the story's alert.
        message["Subject"] = f"Re: [newsmon] {first.outlet}: {_title(first)}"
        message["In-Reply-To"] = message["References"] = message_id(alert.thread_key)
        heading = f"Also carried by {article.outlet}"
    else:
        message["Subject"] = subject
        heading = ""
    fields = story_fields(article, alert.story or (article,), settings)
    message.set_content(_text(article, heading, fields, alert.story or (article,)))
    message.add_alternative(_html(article, heading, fields, alert.story or (article,)), "html")
    return message


def message_id(key: str) -> str:
    return f"<{key}@newsmon>"


def story_fields(
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
        ("Terms found", ", ".join(article.terms or []) or "none"),
        ("Model", article.model or ""),
    ]


def story_links_html(story: tuple[ArticleRow, ...]) -> str:
    items = "".join(
        f"<li>{html.escape(a.outlet)} ({html.escape(a.lang or 'und')}): "
        f'<a href="{html.escape(a.url, quote=True)}">{html.escape(_title(a))}</a></li>'
        for a in story
    )
    return f"<ul>{items}</ul>"


def one_line(value: str) -> str:
    return " ".join(value.split())


def _outlets_label(story: tuple[ArticleRow, ...]) -> str:
    outlets = list(dict.fromkeys(a.outlet for a in story))
    return outlets[0] if len(outlets) == 1 else f"{outlets[0]} and {len(outlets) - 1} more"


def _title(article: ArticleRow) -> str:
    return one_line(article.title) or article.url


def _text(
    article: ArticleRow, heading: str, fields: list[tuple[str, str]], story: tuple[ArticleRow, ...]
) -> str:
    lines = [heading, ""] if heading else []
    lines += [_title(article), ""]
    lines += [f"{name}: {value}" for name, value in fields]
    lines += ["", "Why it was flagged:", f"  {one_line(article.passage or '')}", "", "Carried by:"]
    lines += [f"  {a.outlet} ({a.lang or 'und'}): {a.url}" for a in story]
    lines += ["", f"Link: {article.url}", ""]
    return "\n".join(lines)


def _html(
    article: ArticleRow, heading: str, fields: list[tuple[str, str]], story: tuple[ArticleRow, ...]
) -> str:
    rows = "".join(
        f"<tr><th align='left'>{html.escape(name)}</th><td>{html.escape(value)}</td></tr>"
        for name, value in fields
    )
    link = html.escape(article.url, quote=True)
    return _page(
        (f"<p><strong>{html.escape(heading)}</strong></p>" if heading else "")
        + f'<h2><a href="{link}">{html.escape(_title(article))}</a></h2>'
        f"<table>{rows}</table>"
        "<h3>Why it was flagged</h3>"
        f"<blockquote>{html.escape(article.passage or '')}</blockquote>"
        f"<h3>Carried by</h3>{story_links_html(story)}"
        f'<p><a href="{link}">{html.escape(article.url)}</a></p>'
    )


def _page(body: str) -> str:
    """A whole HTML document; the charset is declared for pages saved outside the email."""
    return (
        "<!doctype html><html><head><meta charset='utf-8'></head>"
        f"<body style='font-family:sans-serif'>{body}</body></html>"
    )


def render_digest(digest: PendingDigest, settings: Settings) -> EmailMessage:
    """Every story of the period once, with its outlets, reasons and links."""
    period = Period(digest.period_start, digest.period_end).label(settings.digest_timezone)
    count = len(digest.stories)
    message = EmailMessage()
    message["Subject"] = f"[newsmon] Digest: {count} {'story' if count == 1 else 'stories'}"
    message["From"] = settings.alert_from
    message["To"] = digest.recipient
    message["Date"] = format_datetime(now())
    message["Message-ID"] = message_id(digest.key)
    message["X-Newsmon-Key"] = digest.key
    text = [f"{count} flagged {'story' if count == 1 else 'stories'}, {period}", ""]
    parts = [
        f"<h2>{count} flagged {'story' if count == 1 else 'stories'}</h2>",
        f"<p>{html.escape(period)}</p>",
    ]
    for number, story in enumerate(digest.stories, start=1):
        lead = max(story, key=lambda a: a.score or 0.0)
        fields = story_fields(lead, story, settings)
        text += [f"{number}. {_title(story[0])}"]
        text += [f"   {name}: {value}" for name, value in fields]
        text += [f"   Why: {one_line(lead.passage or '')}"]
        text += [f"   {a.outlet} ({a.lang or 'und'}): {a.url}" for a in story] + [""]
        rows = "".join(
            f"<tr><th align='left'>{html.escape(n)}</th><td>{html.escape(v)}</td></tr>"
            for n, v in fields
        )
        parts += [
            f"<h3>{number}. {html.escape(_title(story[0]))}</h3>",
            f"<table>{rows}</table>",
            f"<blockquote>{html.escape(lead.passage or '')}</blockquote>",
            story_links_html(story),
        ]
    message.set_content("\n".join(text))
    message.add_alternative(_page("".join(parts)), "html")
    return message


def render_notice(notice: NoticeRow, settings: Settings) -> EmailMessage:
    """A source's health changed: the admin's warning or recovery notice."""
    message = EmailMessage()
    message["Subject"] = notice.subject
    message["From"] = settings.alert_from
    message["To"] = notice.recipient
    message["Date"] = format_datetime(now())
    message["Message-ID"] = message_id(notice.key)
    message["X-Newsmon-Key"] = notice.key
    message.set_content(notice.body)
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in notice.body.split("\n\n"))
    message.add_alternative(_page(paragraphs), "html")
    return message
