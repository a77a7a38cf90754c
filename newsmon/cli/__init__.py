"""The `newsmon` command: thin wrappers over the same functions and flows scheduled runs use.

Every command is registered through ``_add``, which gives it its own --config and turns an
unexpected exception into one line; ``_Group.main`` turns usage errors into one line too.
"""

from __future__ import annotations

import atexit
import contextlib
import inspect
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from newsmon.cli import alerts, backfill, deploy, labels, monitor, topic, web
from newsmon.cli.common import CommandConfigOption, main, run_command, use_config

# Typer 0.29 prints each option's Python type (<bool>, <list[Path]>) unless it has a metavar.
_FALLBACK_METAVARS = {"<path>": "PATH", "<str>": "TEXT", "<int>": "N", "<float>": "NUMBER"}


class _Argument(TyperArgument):
    def display_type_rich(self, ctx: Any) -> str | None:
        # The metavar says what to give; the Python type (<list[Path]>) says nothing more.
        return None if self.metavar else super().display_type_rich(ctx)


def _tidy(params: list[Any], ctx: Any) -> list[Any]:
    """Metavars for people: flags take no value, others a word rather than a Python type."""
    for param in params:
        if isinstance(param, TyperOption) and param.metavar is None:
            if param.is_flag or param.count:
                param.metavar = ""
            else:
                param.metavar = _FALLBACK_METAVARS.get(str(param.display_type(ctx)), "VALUE")
        elif type(param) is TyperArgument:
            param.__class__ = _Argument
    return params


class _Command(TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.short_help and self.help:
            # The command list keeps a docstring's line breaks; the first paragraph, reflowed.
            self.short_help = " ".join(inspect.cleandoc(self.help).split("\n\n")[0].split())

    def get_params(self, ctx: Any) -> list[Any]:
        return _tidy(super().get_params(ctx), ctx)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """``PAGE...`` rather than Typer's ``{paths}...``."""
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = param.metavar or param.name.upper() + ("..." if param.nargs != 1 else "")
                pieces.append(name if param.required else f"[{name}]")
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces


class _Group(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _tidy(super().get_params(ctx), ctx)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Usage errors as one line, exit 2; other exits as the command chose them."""
        try:
            result = super().main(
                args=args,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
            code = result if isinstance(result, int) else 0
        except typer.TyperException as exc:
            code = _usage_error(exc, self, sys.argv[1:] if args is None else args)
        except typer.Abort:
            typer.echo("newsmon: interrupted", err=True)
            code = 130
        if not standalone_mode:
            return code
        sys.exit(code)


def _usage_error(exc: typer.TyperException, group: TyperGroup, args: Sequence[str]) -> int:
    if type(exc).__name__ == "NoArgsIsHelpError":
        exc.show()  # type: ignore[attr-defined]  # prints the help, as Typer does
        return 2
    context = getattr(exc, "ctx", None)
    path = context.command_path.split()[1:] if context else _command_named(group, args)
    where = f"{' '.join(path)}: " if path else ""
    hint = f"; see `newsmon {' '.join([*path, '--help'])}`"
    typer.echo(f"newsmon: {where}{exc.format_message().rstrip('.')}{hint}", err=True)
    return int(getattr(exc, "exit_code", 2))


def _command_named(group: TyperGroup, args: Sequence[str]) -> list[str]:
    """The command words of ``args`` (``alerts preview``): Click raises some usage errors
    (an option missing its value) without the command's context."""
    path: list[str] = []
    command: Any = group
    words = iter(args)
    for arg in words:
        if not isinstance(command, TyperGroup):
            break
        if arg in command.commands:
            path.append(arg)
            command = command.commands[arg]
        elif _takes_value(command, arg):
            next(words, None)
    return path


def _takes_value(command: TyperGroup, arg: str) -> bool:
    """Whether ``arg`` is one of the group's options that takes its value as the next word."""
    options = (p for p in command.params if isinstance(p, TyperOption))
    return any(arg in option.opts and not option.is_flag for option in options)


def _with_common_options(function: Callable[..., None]) -> Callable[..., None]:
    """``function`` with a --config of its own (so it may follow the command) and run by
    ``run_command``. Typer reads parameters from ``__signature__``, so the wrapper adds
    keyword-only ones there, and a context if the command takes none."""
    signature = inspect.signature(function, eval_str=True)
    takes_context = "ctx" in signature.parameters

    def command(**kwargs: Any) -> None:
        ctx = kwargs["ctx"] if takes_context else kwargs.pop("newsmon_context")
        use_config(ctx, kwargs.pop("config"))
        run_command(ctx, lambda: function(**kwargs))

    keyword = inspect.Parameter.KEYWORD_ONLY
    added = [inspect.Parameter("config", keyword, default=None, annotation=CommandConfigOption)]
    if not takes_context:
        added.append(inspect.Parameter("newsmon_context", keyword, annotation=typer.Context))
    command.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), *added]
    )
    command.__name__, command.__doc__ = function.__name__, function.__doc__
    command.__module__, command.__qualname__ = function.__module__, function.__qualname__
    return command


def _add(
    group: typer.Typer, function: Callable[..., None], name: str | None = None, **options: Any
) -> None:
    group.command(name, cls=_Command, **options)(_with_common_options(function))


def _typer(help_text: str) -> typer.Typer:
    # Plain tracebacks under --debug: Typer's pretty ones print local variables, secrets too.
    return typer.Typer(
        cls=_Group,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        help=help_text,
    )


app = _typer("Watch news outlets, flag coverage of a topic, alert a desk once.")
app.callback()(main)
monitoring: tuple[Callable[..., None], ...] = (monitor.run, monitor.demo, monitor.serve)
for function in monitoring:
    _add(app, function)
# WARC files may follow --warc as further arguments: --warc a.warc.gz b.warc.gz
_add(app, backfill.backfill, context_settings={"allow_extra_args": True})
_add(app, topic.classify)
_add(app, topic.train)
_add(app, topic.evaluate, "eval")
_add(app, topic.extract)
_add(app, monitor.status)
_add(app, deploy.deploy)

sources_app = _typer("Inspect the configured sources.\n\nExample: newsmon sources check")
_add(sources_app, monitor.sources_check, "check")
app.add_typer(sources_app, name="sources")

alerts_app = _typer(
    "Look at and send queued alerts.\n\nExample: newsmon alerts preview --out /tmp/preview"
)
_add(alerts_app, alerts.preview, "preview")
_add(alerts_app, alerts.flush, "flush")
_add(alerts_app, alerts.retry, "retry")
app.add_typer(alerts_app, name="alerts")

_add(app, web.web)
labels_app = _typer(
    "The desk's marks from the review page.\n\nExample: newsmon labels export --output desk.jsonl"
)
_add(labels_app, labels.export, "export")
app.add_typer(labels_app, name="labels")


def run() -> NoReturn:
    """The `newsmon` program: the command, then the exit handlers (temporary folders, log
    handlers), then the end, without the interpreter's own teardown. That teardown frees
    torch's and transformers' modules for about 2 s after everything is done and said, and a
    Ctrl-C in those seconds ended the process by the signal with no line. An exception that
    escapes the command (--debug) ends the process as Python does."""
    code = app(standalone_mode=False)
    try:
        # As the interpreter ends: thread pools told to stop (their hooks), then the threads
        # that are no daemons joined.
        threading._shutdown()  # type: ignore[attr-defined]
    except KeyboardInterrupt:
        typer.echo("newsmon: interrupted", err=True)
        code = 130
    atexit._run_exitfuncs()
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)
