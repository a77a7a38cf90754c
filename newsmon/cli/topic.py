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
    Path, typer.Option(help="JSON lines: text, label, optional title and lang.")
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
    output: Annotated[
        Path | None,
        typer.Option(help="Where to save the classifier (default: the config's classifier_file)."),
    ] = None,
) -> None:
    """Train the topic classifier from labelled examples and save it.

    Example: newsmon train --labels seeds/labels.jsonl
    """
    from extractors.topic import Head
    from extractors.training import fit_head
    from newsmon.classifier import build_classifier, save_head

    current = settings(ctx)
    examples = _labelled(labels)
    untrained = guarded(lambda: build_classifier(current, head=Head(current.model, (), 0.0)))
    try:
        head = fit_head(untrained, examples)
    except ValueError as exc:
        fail(str(exc))
    target = output or current.classifier_file
    trained_on = {
        "file": labels.name,
        "sha256": hashlib.sha256(labels.read_bytes()).hexdigest()[:16],
        "examples": len(examples),
        "positives": sum(e.label for e in examples),
    }
    save_head(target, head, trained_on)
    typer.echo(f"trained on {len(examples)} examples; saved {target}")


def evaluate(ctx: typer.Context, labels: LabelsOption) -> None:
    """Precision, recall and F1 per language, a threshold sweep and the worst mistakes.

    Example: newsmon eval --labels desk-labels.jsonl
    """
    from newsmon.labels import report

    current = settings(ctx)
    examples = _labelled(labels)
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
