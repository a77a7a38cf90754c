"""The `newsmon` command: thin wrappers over the same functions and flows scheduled runs use."""

from __future__ import annotations

import typer

from newsmon.cli import alerts, backfill, deploy, monitor, topic
from newsmon.cli.common import main

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Watch news outlets, flag coverage of a topic, alert a desk once.",
)
app.callback()(main)
for command in (monitor.run, monitor.demo, monitor.serve):
    app.command()(command)
# WARC files may follow --warc as further arguments: --warc a.warc.gz b.warc.gz
app.command(context_settings={"allow_extra_args": True})(backfill.backfill)
for command in (topic.classify, topic.train):
    app.command()(command)
app.command(name="eval")(topic.evaluate)
app.command()(topic.extract)
app.command()(monitor.status)
app.command()(deploy.deploy)

sources_app = typer.Typer(no_args_is_help=True, help="Inspect the configured sources.")
sources_app.command("check")(monitor.sources_check)
app.add_typer(sources_app, name="sources")

alerts_app = typer.Typer(no_args_is_help=True, help="Look at and send queued alerts.")
alerts_app.command("preview")(alerts.preview)
alerts_app.command("flush")(alerts.flush)
app.add_typer(alerts_app, name="alerts")
