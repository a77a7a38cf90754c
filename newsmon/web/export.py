"""The desk's marks as labelled examples: the JSON lines `newsmon train` reads
(newsmon.labels.read_labelled), grouped by source and year for its split."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

from newsmon.store import ArticleRow, LabelRow

KIND = "desk"


def label_line(mark: LabelRow, article: ArticleRow) -> dict[str, object]:
    when = article.published_at or article.fetched_at
    return {
        "text": article.text,
        "title": article.title,
        "label": int(mark.relevant),
        "lang": article.lang or "",
        "kind": KIND,
        "source": article.source,
        "date": when.date().isoformat(),
        "url": article.canonical_url,
        "verdict": mark.verdict,
        "who": mark.who,
        "marked_at": mark.marked_at.isoformat(),
    }


def export_lines(marked: Sequence[tuple[LabelRow, ArticleRow]]) -> Iterator[str]:
    """One JSON line per marked article that has text, in order of marking."""
    for mark, article in marked:
        if article.text.strip():
            yield json.dumps(label_line(mark, article), ensure_ascii=False)
