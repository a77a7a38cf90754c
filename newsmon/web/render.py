"""The review page's HTML: pure functions of a ``view.Page``. Every value is escaped; links
are only ever http(s); no script, and no stylesheet or font from elsewhere (the page works
on a machine without internet)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from html import escape
from urllib.parse import urlsplit

from newsmon.language_names import language_name
from newsmon.web.view import VERDICTS, DayCounts, Item, Page, SourceHealth

# Colours of the chart's languages, in order of first appearance.
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
CHART_WIDTH, CHART_HEIGHT, CHART_LEFT, CHART_BOTTOM = 760, 180, 30, 24

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:64em;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}
h3{font-size:1.05em;margin:.2em 0}.item{border:1px solid #ddd;border-radius:4px;padding:.6em;
margin:.6em 0}.meta{color:#555}.mark{font-weight:bold}.mark-wrong{color:#b00}
.mark-right{color:#070}form.inline{display:inline}table{border-collapse:collapse}
td,th{border-bottom:1px solid #eee;padding:.2em .5em;text-align:left;vertical-align:top}
.error{color:#b00}.bar{display:flex;gap:1em;flex-wrap:wrap;align-items:end}
"""


def e(value: object) -> str:
    """A value as HTML text or attribute content."""
    return escape(str(value), quote=True)


def link(url: str, text: str) -> str:
    """A link when ``url`` is http(s), else the text alone."""
    if urlsplit(url).scheme not in ("http", "https"):
        return e(text)
    return f'<a href="{e(url)}" rel="noreferrer">{e(text)}</a>'


def page(view: Page) -> str:
    sections = [
        f"<h1>newsmon review: {e(view.first)} to {e(view.last)}</h1>",
        filters_form(view),
        editor_form(view),
        "<h2>Flagged coverage per day, by language</h2>",
        chart(view.days),
        f"<h2>Stories ({len(view.stories)})</h2>",
        items(view.stories, view, "No flagged story in these days."),
        f"<h2>Near misses ({len(view.near_misses)}): not flagged, score from "
        f"{view.near_miss_floor:.2f} to {view.threshold:.2f}</h2>",
        items(view.near_misses, view, "No near miss in these days."),
        "<h2>Sources</h2>",
        sources_table(view.sources),
    ]
    return document("newsmon review", "\n".join(sections))


def document(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width">'
        f"<title>{e(title)}</title><style>{STYLE}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def message(title: str, text: str, status_class: str = "error") -> str:
    """A page saying one thing (a refusal, a bad filter)."""
    return document(title, f'<h1>{e(title)}</h1><p class="{e(status_class)}">{e(text)}</p>')


def filters_form(view: Page) -> str:
    f = view.filters
    languages = sorted(view.languages, key=language_name)
    return (
        '<form method="get" action="/" class="bar" id="filters">'
        f"<label>Language {select('lang', languages, f.lang, language_name)}</label>"
        f"<label>Source {select('source', view.source_names, f.source)}</label>"
        f'<label>From <input type="date" name="since" value="{e(f.since or "")}"></label>'
        f'<label>To <input type="date" name="until" value="{e(f.until or "")}"></label>'
        '<button type="submit">Show</button> <a href="/">reset</a></form>'
    )


def select(
    name: str, choices: Sequence[str], chosen: str, label: Callable[[str], str] = str
) -> str:
    options = ['<option value="">all</option>']
    for choice in choices:
        selected = " selected" if choice == chosen else ""
        options.append(f'<option value="{e(choice)}"{selected}>{e(label(choice))}</option>')
    return f'<select name="{e(name)}">{"".join(options)}</select>'


def editor_form(view: Page) -> str:
    return (
        '<form method="post" action="/editor" class="bar" id="editor">'
        f"{hidden('csrf', view.csrf)}{hidden('back', view.filters.query())}"
        '<label>Marking as <input name="who" required maxlength="200" '
        f'value="{e(view.editor)}"></label><button type="submit">Save name</button></form>'
    )


def hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{e(name)}" value="{e(value)}">'


def items(entries: Sequence[Item], view: Page, empty: str) -> str:
    if not entries:
        return f'<p class="meta">{e(empty)}</p>'
    return "\n".join(item(entry, view) for entry in entries)


def item(entry: Item, view: Page) -> str:
    heading = link(entry.link, entry.title)
    score = f"{entry.score:.3f}" if entry.score is not None else "-"
    state = "flagged" if entry.flagged else "not flagged"
    languages = ", ".join(map(language_name, entry.languages))
    return (
        f'<article class="item" id="item-{entry.article_id}"><h3>{heading}</h3>'
        f'<p class="meta">score {score} · {state} · languages {e(languages)}'
        f"</p>{outlets(entry)}{reasons(entry)}{mark(entry)}{mark_form(entry, view)}</article>"
    )


def outlets(entry: Item) -> str:
    rows = (
        f"<li>{e(c.outlet)} ({e(language_name(c.lang))}) {e(c.when)}: {link(c.link, c.link)}</li>"
        for c in entry.copies
    )
    return f'<ul class="outlets">{"".join(rows)}</ul>'


def reasons(entry: Item) -> str:
    passage = f"<p>Passage: <q>{e(entry.passage)}</q></p>" if entry.passage else ""
    return (
        f'{passage}<p class="meta">Evidence for: {terms(entry.terms)}; '
        f"against: {terms(entry.against)}</p>"
    )


def terms(values: Iterable[str]) -> str:
    return e(", ".join(values)) or "none"


def mark(entry: Item) -> str:
    if entry.mark is None:
        return '<p class="meta">Not marked yet.</p>'
    m = entry.mark
    return (
        f'<p class="mark mark-{e(m.verdict)}">Marked {e(m.verdict)} by {e(m.who)} '
        f"at {e(m.when)}</p>"
    )


def mark_form(entry: Item, view: Page) -> str:
    buttons = "".join(
        f'<button type="submit" name="verdict" value="{v}">{v.capitalize()}</button> '
        for v in VERDICTS
    )
    return (
        '<form method="post" action="/mark" class="inline">'
        f"{hidden('csrf', view.csrf)}{hidden('article', str(entry.article_id))}"
        f"{hidden('back', view.filters.query())}{buttons}</form>"
    )


def sources_table(sources: Sequence[SourceHealth]) -> str:
    head = (
        "<tr><th>source</th><th>outlet</th><th>health</th><th>last run</th>"
        "<th>failures in a row</th><th>last error</th></tr>"
    )
    rows = (
        f"<tr><td>{e(s.name)}</td><td>{e(s.outlet)}</td><td>{e(s.health)}</td>"
        f"<td>{e(s.last_run_at)}</td><td>{s.failures}</td>"
        f'<td class="error">{e(s.last_error)}</td></tr>'
        for s in sources
    )
    return f'<table id="sources">{head}{"".join(rows)}</table>'


def chart(days: Sequence[DayCounts]) -> str:
    """Stacked bars of flagged articles per day, one colour per language, as inline SVG."""
    langs = list(dict.fromkeys(lang for d in days for lang, _ in d.by_lang))
    colour = {lang: PALETTE[i % len(PALETTE)] for i, lang in enumerate(langs)}
    top = max((d.total for d in days), default=0) or 1
    step = (CHART_WIDTH - CHART_LEFT) / max(len(days), 1)
    plot = CHART_HEIGHT - CHART_BOTTOM
    shapes = [
        f'<text x="0" y="12" font-size="11">{top}</text>',
        f'<line x1="{CHART_LEFT}" y1="{plot}" x2="{CHART_WIDTH}" y2="{plot}" stroke="#999"/>',
    ]
    for n, day in enumerate(days):
        x = CHART_LEFT + n * step
        shapes += _bar(day, x, step, plot, top, colour)
        if n % max(1, len(days) // 8) == 0:
            shapes.append(
                f'<text x="{x:.1f}" y="{CHART_HEIGHT - 6}" font-size="11">{e(day.day)}</text>'
            )
    legend = " ".join(
        f'<span style="color:{colour[lang]}">■</span> {e(language_name(lang))}' for lang in langs
    )
    return (
        f'<svg id="chart" role="img" aria-label="flagged articles per day by language" '
        f'width="{CHART_WIDTH}" height="{CHART_HEIGHT}" viewBox="0 0 {CHART_WIDTH} '
        f'{CHART_HEIGHT}" xmlns="http://www.w3.org/2000/svg">{"".join(shapes)}</svg>'
        f'<p class="meta">{legend or "No flagged article in these days."}</p>'
    )


def _bar(
    day: DayCounts, x: float, step: float, plot: float, top: int, colour: dict[str, str]
) -> list[str]:
    shapes, y = [], plot
    for lang, count in day.by_lang:
        height = count / top * (plot - 16)
        y -= height
        shapes.append(
            f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{max(step - 2, 1):.1f}" '
            f'height="{height:.1f}" fill="{colour[lang]}"><title>{e(day.day)} '
            f"{e(language_name(lang))}: {count}</title></rect>"
        )
    return shapes
