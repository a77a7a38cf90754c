"""Commands about the topic classifier and extraction: classify, train, eval, extract."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from newsmon.cli.common import batches, fail, guarded, read_text, settings

if TYPE_CHECKING:
    from extractors.topic import Document, TopicClassifier
    from extractors.training import Labelled
    from newsmon.settings import Settings

LabelsOption = Annotated[
    list[Path],
    typer.Option(help="JSON lines: text, label, optional title, lang and kind (repeatable)."),
]
SplitLabelsOption = Annotated[
    list[Path] | None,
    typer.Option(
        help="Labelled files split by source and period: only their frozen split is used "
        "(repeatable)."
    ),
]


def classify(
    ctx: typer.Context,
    input: Annotated[
        Path, typer.Option("--input", help="JSON lines with text, optional title and url.")
    ],
) -> None:
    """Score texts: one JSON line out (lang, score, flag, why) per line in, in order.

    Example: newsmon classify --input articles.jsonl > scores.jsonl
    """
    from extractors.language import detect_language

    classifier = _classifier(settings(ctx))
    for batch in batches(read_text(input).splitlines(), 64):
        parsed = [_document(line) for line in batch]
        scores = iter(classifier.score([doc for doc in parsed if not isinstance(doc, str)]))
        for doc in parsed:
            if isinstance(doc, str):
                typer.echo(json.dumps({"error": doc}))
                continue
            score = next(scores)
            why = {
                "passage": score.passage,
                "terms": list(score.terms),
                "against": list(score.against),
                "model": score.model,
                "note": score.note,
            }
            line = {
                "lang": detect_language(f"{doc.title}\n{doc.text}").code,
                "score": score.score,
                "flag": score.flag,
                "why": why,
            }
            typer.echo(json.dumps(line, ensure_ascii=False))


def _document(line: str) -> Document | str:
    """The line's document, or why it is not one."""
    from extractors.topic import Document

    try:
        row = json.loads(line)
        return Document(str(row.get("title") or ""), str(row["text"]))
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        return f"not a JSON object with text: {exc}"


def train(
    ctx: typer.Context,
    labels: LabelsOption,
    split_labels: SplitLabelsOption = None,
    output: Annotated[
        Path | None,
        typer.Option(help="Where to save the classifier (default: the config's classifier_file)."),
    ] = None,
) -> None:
    """Train the topic head from labelled examples and save it (every line of --labels; the
    training split of --split-labels).

    Example: newsmon train --labels seeds/labels.jsonl --output my-head.json
    """
    from extractors.topic import Head
    from extractors.training import fit_head
    from newsmon.classifier import build_classifier, save_head
    from newsmon.labels import split

    current = settings(ctx)
    examples = [e for path in labels for e in _labelled(path)]
    for path in split_labels or []:
        examples += split(_labelled(path))[0]
    untrained = guarded(lambda: build_classifier(current, head=Head(current.model, ())))
    try:
        head = fit_head(untrained, examples)
    except ValueError as exc:
        fail(str(exc))
    target = output or current.classifier_file
    trained_on = {
        "files": {
            path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:16]
            for path in [*labels, *(split_labels or [])]
        },
        "examples": sum(e.label is not None for e in examples),
        "positives": sum(e.label is True for e in examples),
    }
    save_head(target, head, trained_on)
    typer.echo(f"trained on {trained_on['examples']} examples; saved {target}")


def evaluate(
    ctx: typer.Context, labels: LabelsOption, split_labels: SplitLabelsOption = None
) -> None:
    """Precision, recall and F1 per language and kind, a threshold sweep, reliability per
    language and the worst mistakes (every line of --labels; the frozen test split of
    --split-labels).

    Example: newsmon eval --labels seeds/topic/test.jsonl
    """
    from newsmon.labels import report, split

    current = settings(ctx)
    examples = [e for path in labels for e in _labelled(path)]
    for path in split_labels or []:
        examples += split(_labelled(path))[1]
    scores = [s.score for s in _classifier(current).score([e.doc for e in examples])]
    typer.echo(report(examples, scores, current.threshold))


def extract(
    paths: Annotated[list[Path], typer.Argument(help="Saved HTML pages (.html or .html.gz).")],
    url: Annotated[str | None, typer.Option(help="The page's URL.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """Show what the pipeline would store for saved pages.

    Example: newsmon extract page.html.gz --url https://civil.ge/archives/1 --json
    """
    for path in paths:
        row = _extracted(path, url or path.resolve().as_uri())
        if as_json:
            typer.echo(json.dumps(row, ensure_ascii=False))
        elif "error" in row:
            typer.echo(f"== {row['path']}: ERROR {row['error']}\n")
        else:
            typer.echo(
                f"== {row['path']}\ntitle: {row['title']}\nlang: {row['lang']}\n"
                f"published: {row['published']}\n\n{row['text']}\n"
            )


def _extracted(path: Path, page_url: str) -> dict[str, Any]:
    from extractors.analyse import analyse_page
    from extractors.records import FeedEntry, FetchedPage
    from newsmon.store import now

    try:
        raw = path.read_bytes()
        content = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    except (OSError, EOFError) as exc:
        return {"path": str(path), "error": str(exc)}
    page = FetchedPage(page_url, page_url, content, now(), "extract")
    article = analyse_page(page, FeedEntry(url=page_url), "")
    row = {
        "path": str(path),
        "url": page_url,
        "title": article.title,
        "author": article.author,
        "text": article.text,
        "lang": article.language.code if article.language else None,
        "published": article.published.isoformat() if article.published else None,
    }
    if article.note:
        row["note"] = article.note
    if article.error:
        row["error"] = article.error
    return row


def _labelled(path: Path) -> list[Labelled]:
    from newsmon.labels import LabelError, read_labelled

    try:
        return read_labelled(path)
    except (LabelError, OSError) as exc:
        fail(str(exc))


def _classifier(current: Settings) -> TopicClassifier:
    from newsmon.classifier import build_classifier

    return guarded(lambda: build_classifier(current))
