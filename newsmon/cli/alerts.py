"""`newsmon alerts`: look at queued alerts before they go, send them now, and requeue those
given up on."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newsmon.cli.common import existing_store, settings, writable_folder

if TYPE_CHECKING:
    from newsmon.settings import Settings
    from newsmon.store import PendingDigest, Store


def preview(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option(metavar="FOLDER", help="Folder for the HTML files.")] = Path(
        "alert-preview"
    ),
) -> None:
    """Write each queued alert and digest, and the next digest so far, as the HTML its
    recipient would see; sends nothing.

    Example: newsmon alerts preview --out /tmp/preview
    """
    from newsmon.messages import headline, plural, render, render_digest

    current = settings(ctx)
    store = existing_store(current)
    created = not out.exists()
    writable_folder(out, "--out")
    written = 0
    # Those waiting to be tried again too: they are still queued.
    for alert in store.pending_alerts(waiting=True):
        title = f"{alert.article.outlet}: {alert.article.title}"
        _write_html(out / f"alert-{alert.id:06d}", alert.recipient, render(alert, current), title)
        written += 1
    digests = [(f"digest-{d.id:06d}", d) for d in store.pending_digests(waiting=True)]
    digests += [("next-digest", d) for d in _next_digests(store, current)]
    for name, digest in digests:
        message = render_digest(digest, current)
        _write_html(out / name, digest.recipient, message, headline(digest))
        written += 1
    if not written:
        if created:
            out.rmdir()
        typer.echo("nothing queued: no message to preview")
        return
    typer.echo(f"{written} {plural('message', written)} previewed in {out}")


def _next_digests(store: Store, current: Settings) -> list[PendingDigest]:
    """The digest each digest recipient would get for the period so far (not queued: id 0)."""
    from newsmon.digests import current_period
    from newsmon.store import PendingDigest, digest_key, now

    period = current_period(current.digest_cron, current.digest_timezone, now())
    stories = store.period_stories(period.start, period.end)
    if not stories:
        return []
    return [
        PendingDigest(0, digest_key(r, period.end), r, 0, period.start, period.end, stories)
        for r in current.digest_to
    ]


def _write_html(stem: Path, recipient: str, message: EmailMessage, title: str) -> None:
    body = message.get_body(preferencelist=("html",))
    assert body is not None  # every message newsmon renders has an HTML part
    path = stem.with_name(f"{stem.name}-{recipient.replace('@', '_at_')}.html")
    path.write_text(body.get_content(), encoding="utf-8")
    typer.echo(f"{path}  to {recipient}: {title}")


def flush(ctx: typer.Context) -> None:
    """Send every queued alert now (SMTP, or the outbox folder without one), those waiting
    to be tried again after a failure too; not those given up on (see `alerts retry`).

    Example: newsmon alerts flush
    """
    from newsmon.alerts import deliver_pending

    current = settings(ctx)
    store = existing_store(current)
    # Asked for now: a message backing off after the server was down goes now.
    store.due_now()
    delivery = deliver_pending(store, current)
    typer.echo(
        f"{len(delivery.sent)} sent to {delivery.destination}, "
        f"{len(delivery.failed)} failed (kept queued)"
    )
    for failure in delivery.failed:
        typer.echo(f"failed: {failure.describe()}")
    if delivery.failed:
        raise typer.Exit(1)


def retry(ctx: typer.Context) -> None:
    """Requeue every message given up on (dead) or waiting to be tried again, to go on the
    next delivery with its tries counted afresh; prints how many.

    Example: newsmon alerts retry && newsmon alerts flush
    """
    requeued = existing_store(settings(ctx)).requeue()
    typer.echo(f"{requeued} messages requeued")
