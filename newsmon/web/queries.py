"""The review page read from the store (the only module of the page that does)."""

from __future__ import annotations

from datetime import date

from newsmon.settings import Settings
from newsmon.store import Store
from newsmon.web import view


def load_page(
    store: Store, settings: Settings, filters: view.Filters, today: date, csrf: str, editor: str
) -> view.Page:
    first, last = view.window(filters, today, settings.web_days)
    start, end = view.instants(first, last)
    floor = max(settings.threshold - settings.web_near_miss_band, 0.0)
    rows = store.review_articles(start, end, floor, filters.lang, filters.source)
    story_ids = sorted({r.story_id for r in rows if r.story_id is not None})
    story_rows = store.story_articles(story_ids)
    shown = [r.id for r in rows] + [a.id for arts in story_rows.values() for a in arts]
    marks = store.latest_labels(shown)
    status = store.status(settings.sources)["sources"]
    return view.Page(
        filters=filters,
        first=first,
        last=last,
        threshold=settings.threshold,
        near_miss_floor=floor,
        stories=tuple(view.stories(rows, story_rows, marks)),
        near_misses=tuple(view.near_misses(rows, marks)),
        days=tuple(view.per_day(rows, first, last)),
        sources=tuple(view.source_health(status)),
        languages=tuple(store.article_languages()),
        source_names=tuple(str(s["name"]) for s in status),
        csrf=csrf,
        editor=editor,
    )
