"""`newsmon alerts`: look at queued alerts before they go, and send them now."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsmon.cli.common import settings


def preview(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option(help="Folder for the HTML files.")] = Path("alert-preview"),
) -> None:
    """Write each queued alert as the HTML its recipient would see; sends nothing.

    Example: newsmon alerts preview --out /tmp/preview
    """
    from newsmon.alerts import render
    from newsmon.store import Store

    current = settings(ctx)
    pending = Store(current.database).pending_alerts()
    out.mkdir(parents=True, exist_ok=True)
    for alert in pending:
        html = render(alert, current).get_body(preferencelist=("html",))
        assert html is not None  # render always adds an HTML part
        path = out / f"{alert.id:06d}-{alert.recipient.replace('@', '_at_')}.html"
        path.write_text(html.get_content(), encoding="utf-8")
        typer.echo(f"{path}  to {alert.recipient}: {alert.article.outlet}: {alert.article.title}")
    typer.echo(f"{len(pending)} queued alerts previewed in {out}")


def flush(ctx: typer.Context) -> None:
    """Send every queued alert now (SMTP, or the outbox folder without one).

    Example: newsmon alerts flush
    """
    from newsmon.alerts import deliver_pending
    from newsmon.store import Store

    current = settings(ctx)
    delivery = deliver_pending(Store(current.database), current)
    typer.echo(
        f"{len(delivery.sent)} sent to {delivery.destination}, "
        f"{len(delivery.failed)} failed (kept queued)"
    )
    for key in delivery.failed:
        typer.echo(f"  still queued: {key}")
    if delivery.failed:
        raise typer.Exit(1)
