"""`newsmon labels`: the desk's marks from the review page as training examples."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsmon.cli.common import existing_store, fail
from newsmon.cli.web import DemoOption, review_settings


def export(
    ctx: typer.Context,
    output: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Where to write the JSON lines (default: stdout)."),
    ] = None,
    demo: DemoOption = False,
) -> None:
    """Write every marked article, with its latest mark as its label (a flag marked right or
    a miss marked wrong is 1, else 0), as JSON lines `newsmon train --labels` reads: text,
    title, label, lang, kind "desk", source and date (its split's group), who and when.

    Example: newsmon labels export --output desk.jsonl
    """
    from newsmon.web.export import export_lines

    if output is not None and output.is_dir():
        fail(f"--output {output}: is a folder; name a file")
    lines = list(export_lines(existing_store(review_settings(ctx, demo)).labelled_articles()))
    text = "".join(f"{line}\n" for line in lines)
    if output is None:
        typer.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write {output}: {exc.strerror}")
    where = f" written to {output}" if output else ""
    typer.echo(f"{len(lines)} labelled examples{where}", err=True)
