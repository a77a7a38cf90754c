"""Commands about the topic classifier and extraction: classify, train, eval, extract."""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from extractors.dates import day_only, day_shown
from extractors.urls import is_web_address
from newsmon.cli.common import fail, guarded, read_stdin, read_text, regular_file, settings, warn
from newsmon.settings import PROJECT_ROOT

if TYPE_CHECKING:
    from extractors.records import TopicScore
    from extractors.topic import Document, TopicClassifier
    from extractors.training import Labelled
    from newsmon.settings import Settings

LabelsOption = Annotated[
    list[Path],
    typer.Option(
        metavar="FILE", help="JSON lines: text, label, optional title, lang and kind (repeatable)."
    ),
]
SplitLabelsOption = Annotated[
    list[Path] | None,
    typer.Option(
        metavar="FILE",
        help="Labelled files split by source and period: only their frozen split is used "
        "(repeatable).",
    ),
]
# What a saved page may not start with: files people save beside their pages by mistake.
_NOT_HTML = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive",
    b"WARC/": "a WARC archive (give it to `newsmon backfill --warc`)",
}
BATCH = 64


def classify(
    ctx: typer.Context,
    input: Annotated[
        Path,
        typer.Option(
            "--input",
            metavar="FILE",
            help="JSON lines with text, optional title and url; - reads standard input.",
        ),
    ],
) -> None:
    """Score texts: one JSON line out (lang, score, flag, why) per line in, in order (blank
    lines are skipped); a line that is not a JSON object with a text string gets
    {"error": ...} and exit code 1.

    Example: newsmon classify --input articles.jsonl > scores.jsonl
    """
    # A binary file is refused whole (exit 2): its "lines" would be noise, each an error.
    from_stdin = str(input) == "-"
    text = read_stdin("--input") if from_stdin else read_text(input, "--input")
    lines = text.splitlines()
    where = "standard input" if from_stdin else str(input)
    numbered = [(number, line) for number, line in enumerate(lines, 1) if line.strip()]
    classifier = _classifier(settings(ctx))
    failed = 0
    for start in range(0, len(numbered), BATCH):
        parsed = [(number, _document(line)) for number, line in numbered[start : start + BATCH]]
        documents = [doc for _, doc in parsed if not isinstance(doc, str)]
        scores = iter(classifier.score(documents))
        for number, doc in parsed:
            if isinstance(doc, str):
                typer.echo(json.dumps({"error": doc}))
                warn(f"{where} line {number}: {doc}")
                failed += 1
            else:
                typer.echo(json.dumps(_scored(doc, next(scores)), ensure_ascii=False))
    if failed:
        raise typer.Exit(1)


def _scored(doc: Document, score: TopicScore) -> dict[str, Any]:
    from extractors.language import detect_language

    why = {
        "passage": score.passage,
        "terms": list(score.terms),
        "against": list(score.against),
        "model": score.model,
        "note": score.note,
    }
    return {
        "lang": detect_language(f"{doc.title}\n{doc.text}").code,
        "score": score.score,
        "flag": score.flag,
        "why": why,
    }


def _document(line: str) -> Document | str:
    """The line's document, or why it is not one."""
    from newsmon.labels import document_of

    try:
        return document_of(json.loads(line))
    except json.JSONDecodeError as exc:
        return f"not JSON: {exc.msg} (column {exc.colno})"


def train(
    ctx: typer.Context,
    labels: LabelsOption,
    split_labels: SplitLabelsOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Where to save the head (default: $NEWSMON_HOME/classifier/<topic>.json).",
        ),
    ] = None,
) -> None:
    """Train the topic head from labelled examples and save it (every line of --labels; the
    training split of --split-labels). The shipped head is replaced only if --output names it.

    Example: newsmon train --labels seeds/labels.jsonl --output my-head.json
    """
    from extractors.topic import Head
    from extractors.training import fit_head
    from newsmon.classifier import build_classifier, save_head, trained_examples

    current = settings(ctx)
    # Read before saving: --output may name the head in use.
    in_use = trained_examples(current.classifier_file)
    examples = _examples(labels, split_labels, training=True)
    untrained = guarded(lambda: build_classifier(current, head=Head(current.model, ())))
    try:
        head = fit_head(untrained, examples)
    except ValueError as exc:
        fail(str(exc))
    target = output or trained_head(current)
    trained_on = {
        "files": {
            path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:16]
            for path in [*labels, *(split_labels or [])]
        },
        "examples": sum(e.label is not None for e in examples),
        "positives": sum(e.label is True for e in examples),
    }
    try:
        save_head(target, head, trained_on)
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror}")
    typer.echo(f"trained on {trained_on['examples']} examples; saved {target}")
    if in_use and trained_on["examples"] < in_use / 2:
        warn(
            f"the head in use was trained on {in_use} examples, this one on "
            f"{trained_on['examples']}: train on its data beside yours (`make desk-classifier "
            "DESK=FILE`) and compare the two with `newsmon eval` before switching"
        )
    if target.resolve() != current.classifier_file.resolve():
        typer.echo(
            f"to use it: classifier_file = {str(target)!r} under [topic] in the config file "
            "(or NEWSMON_CLASSIFIER_FILE)"
        )


def trained_head(current: Settings) -> Path:
    """Where `train` saves a head by default: the user's data, never the package."""
    return current.home / "classifier" / f"{current.topic_file.stem}.json"


def evaluate(
    ctx: typer.Context,
    labels: LabelsOption,
    split_labels: SplitLabelsOption = None,
    head: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="A trained head to compare with the configured one "
            "(default: $NEWSMON_HOME/classifier/<topic>.json if `train` saved one).",
        ),
    ] = None,
) -> None:
    """Precision, recall and F1 per language and kind, a threshold sweep, reliability per
    language and the worst mistakes (every line of --labels; the frozen test split of
    --split-labels); then the configured and the trained head side by side.

    Example: newsmon eval --labels seeds/topic/test.jsonl --head my-head.json
    """
    from newsmon.classifier import build_classifier, load_head
    from newsmon.labels import report
    from newsmon.settings import ConfigError

    current = settings(ctx)
    examples = _examples(labels, split_labels, training=False)
    # The other head is read before any scoring: a wrong --head stops the command, not its
    # end; a saved head that no longer loads (another model, an older version) is skipped.
    other = regular_file(head, "--head") if head else _other_head(current)
    other_head = None
    if head is not None:
        other_head = guarded(lambda: load_head(head, current.model))
    elif other is not None:
        try:
            other_head = load_head(other, current.model)
        except ConfigError as exc:
            warn(f"not compared with the head `train` saved: {exc}")
            other = None
    scores = [s.score for s in _classifier(current).score([e.doc for e in examples])]
    typer.echo(report(examples, scores, current.threshold))
    if other is None:
        return
    trained = replace(current, classifier_file=other)
    compared = guarded(lambda: build_classifier(trained, head=other_head))
    other_scores = [s.score for s in compared.score([e.doc for e in examples])]
    typer.echo("")
    typer.echo(_compared(examples, [(current, scores), (trained, other_scores)]))


def _other_head(current: Settings) -> Path | None:
    saved = trained_head(current)
    if saved.is_file() and saved.resolve() != current.classifier_file.resolve():
        return saved
    return None


def _compared(examples: list[Labelled], heads: list[tuple[Settings, list[float]]]) -> str:
    from extractors.training import confusion

    threshold = heads[0][0].threshold
    decided = [i for i, e in enumerate(examples) if e.label is not None]
    labels = [bool(examples[i].label) for i in decided]
    lines = [
        f"heads compared at threshold {threshold:.2f} on {len(decided)} examples:",
        f"{'head':10} {'precision':>9} {'recall':>6} {'f1':>6} {'fp':>5} {'fn':>5}  file",
    ]
    for (which, scores), name in zip(heads, ("configured", "trained"), strict=True):
        shipped = which.classifier_file.resolve().is_relative_to(PROJECT_ROOT / "config")
        c = confusion([scores[i] for i in decided], labels, threshold)
        lines.append(
            f"{'shipped' if shipped else name:10} {c.precision:9.3f} {c.recall:6.3f} "
            f"{c.f1:6.3f} {c.fp:5d} {c.fn:5d}  {which.classifier_file}"
        )
    return "\n".join(lines)


def extract(
    paths: Annotated[
        list[Path], typer.Argument(metavar="PAGE...", help="Saved HTML pages (.html or .html.gz).")
    ],
    url: Annotated[str | None, typer.Option(metavar="URL", help="The page's URL.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """Show what the pipeline would store for saved pages. A path that is no file: exit 2,
    nothing read; a page that cannot be extracted: named, the others shown, exit 1.

    Example: newsmon extract page.html.gz --url https://civil.ge/archives/1 --json
    """
    if url is not None and not is_web_address(url):
        fail(f"--url {url}: not an http:// or https:// URL")
    for path in paths:
        regular_file(path)
    failed = 0
    for path in paths:
        row = _extracted(path, url or path.resolve().as_uri())
        if "error" in row:
            warn(f"{path}: {row['error']}")
            failed += 1
        if as_json:
            typer.echo(json.dumps(row, ensure_ascii=False))
        elif "error" not in row:
            typer.echo(
                f"== {row['path']}\ntitle: {row['title']}\nlang: {row['lang']}\n"
                f"published: {_published_shown(row['published'])}\n\n{row['text']}\n"
            )
    if failed:
        raise typer.Exit(1)


def _extracted(path: Path, page_url: str) -> dict[str, Any]:
    from extractors.analyse import analyse_page
    from extractors.records import FeedEntry, FetchedPage
    from newsmon.store import now

    try:
        raw = path.read_bytes()
        content = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    except (OSError, EOFError) as exc:
        return {"path": str(path), "error": f"cannot read: {exc}"}
    problem = _not_html(content)
    if problem:
        return {"path": str(path), "error": problem}
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


def _published_shown(published: str | None) -> str | None:
    """The page's date as given: a day without a time is stored as midnight UTC, and shown as
    the day alone."""
    if published is None or not day_only(when := datetime.fromisoformat(published)):
        return published
    return day_shown(when)


def _not_html(content: bytes) -> str | None:
    """Why the bytes are no HTML page, when that shows in their first bytes."""
    if not content.strip():
        return "empty file, not an HTML page"
    for magic, kind in _NOT_HTML.items():
        if content.startswith(magic):
            return f"{kind}, not an HTML page"
    # Text in any encoding a page may use has no NUL bytes (UTF-16 pages aside, which are rare).
    if b"\x00" in content[:4096]:
        return "binary data, not an HTML page"
    return None


def _examples(
    labels: list[Path], split_labels: list[Path] | None, *, training: bool
) -> list[Labelled]:
    """Every line of --labels and the training (or frozen test) split of --split-labels;
    one line and exit code 2 when none of them is decided (before the model loads)."""
    from newsmon.labels import split

    examples = [e for path in labels for e in _labelled(path, "--labels")]
    for path in split_labels or []:
        examples += split(_labelled(path, "--split-labels"))[0 if training else 1]
    if not any(e.label is not None for e in examples):
        named = ", ".join(str(path) for path in [*labels, *(split_labels or [])])
        part = "" if not split_labels else " (in the split used)"
        fail(f"no labelled example{part}, other than borderline, in {named}")
    return examples


def _labelled(path: Path, option: str) -> list[Labelled]:
    from newsmon.labels import LabelError, read_labelled

    regular_file(path, option)
    try:
        return read_labelled(path)
    except UnicodeDecodeError:
        fail(f"{option} {path}: not a UTF-8 text file")
    except (LabelError, OSError) as exc:
        fail(str(exc))


def _classifier(current: Settings) -> TopicClassifier:
    from newsmon.classifier import build_classifier

    return guarded(lambda: build_classifier(current))
