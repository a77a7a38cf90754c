"""What every command shares: --config and --debug, settings, errors as one line.

Exit codes: 0 all done; 1 some of what was asked failed (each failure named on its own line);
2 usage or configuration error; 130 interrupted (Ctrl-C); 143 stopped by SIGTERM.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer

from newsmon.database_url import StoreUnavailable
from newsmon.settings import ConfigError, Settings, check_head_files, load_settings

if TYPE_CHECKING:
    from newsmon.store import Store

T = TypeVar("T")

CONFIG_HELP = "A TOML file overriding the shipped config"
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        envvar="NEWSMON_CONFIG",
        metavar="FILE",
        help=f"{CONFIG_HELP} (also accepted after the command).",
    ),
]
# The same option on each command. No envvar here: NEWSMON_CONFIG is read by the root option,
# and an envvar on this one would override an explicit --config given before the command.
CommandConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help=f"{CONFIG_HELP} (or NEWSMON_CONFIG; also accepted before the command).",
    ),
]
DebugOption = Annotated[
    bool, typer.Option("--debug", help="Show the traceback of an unexpected error.")
]


@dataclass(frozen=True)
class Invocation:
    """What the options before the command asked for; a command's own --config wins."""

    config: Path | None = None
    debug: bool = False
    # What a command that is stopped adds to its line: how to go on (a backfill resumes).
    stop_note: str = ""


def main(ctx: typer.Context, config: ConfigOption = None, debug: DebugOption = False) -> None:
    """Every command honours NEWSMON_HOME (data directory) and NEWSMON_* settings."""
    ctx.obj = Invocation(config, debug)


def invocation(ctx: typer.Context) -> Invocation:
    found = ctx.find_root().obj
    return found if isinstance(found, Invocation) else Invocation()


def on_stop(ctx: typer.Context, note: str) -> None:
    """Have a Ctrl-C or SIGTERM from now on add ``note`` to its line."""
    ctx.find_root().obj = replace(invocation(ctx), stop_note=note)


def use_config(ctx: typer.Context, config: Path | None) -> None:
    """Record a --config given after the command: it replaces one given before it."""
    if config is not None:
        ctx.find_root().obj = replace(invocation(ctx), config=config)


def config_file(ctx: typer.Context) -> str | None:
    """The user's config file as a flow parameter: an absolute path, as the flow may run in
    another working directory (a served or deployed poll runs in Prefect's)."""
    chosen = invocation(ctx).config
    return str(chosen.resolve()) if chosen else None


def settings(ctx: typer.Context) -> Settings:
    chosen = invocation(ctx).config
    if chosen is not None and chosen.exists():
        regular_file(chosen, "--config")
    current = guarded(lambda: load_settings(chosen))
    # matplotlib (the backfill report's and the review page's charts) keeps its font cache
    # under the home the user chose, not in ~/.cache.
    os.environ.setdefault("MPLCONFIGDIR", str(current.home / "matplotlib"))
    return current


def guarded(call: Callable[[], T]) -> T:
    """Run ``call``; a configuration error becomes one line and exit code 2."""
    try:
        return call()
    except ConfigError as exc:
        fail(f"configuration error: {exc}")


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"newsmon: {message}", err=True)
    raise typer.Exit(code)


def warn(message: str) -> None:
    """One failure among others: named on its own line, the command goes on."""
    typer.echo(f"newsmon: {message}", err=True)


def run_command(ctx: typer.Context, call: Callable[[], None]) -> None:
    """Run a command's body: Ctrl-C exits 130 and SIGTERM 143, each with one line; an
    unexpected exception becomes one line and exit 1, unless --debug asked for its
    traceback."""
    terminated: list[int] = []

    def interrupt(signum: int, frame: object) -> None:
        # SIGTERM unwinds as Ctrl-C does (Prefect and the local server stop their runs the
        # same way), and is told apart only in its line and exit code.
        terminated.append(signum)
        raise KeyboardInterrupt

    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, interrupt) if main else None
    try:
        call()
    except (typer.Exit, typer.Abort, typer.TyperException):
        raise
    except BaseException as exc:
        debug = invocation(ctx).debug
        stop = _stop(exc, terminated)
        # --debug shows what went wrong while stopping, not the stop itself.
        if stop is not None and not (debug and not isinstance(exc, _signals())):
            note = invocation(ctx).stop_note
            more = f"; {note}" if note else ""
            if terminated or getattr(stop, "signal", None) == signal.SIGTERM:
                fail(f"stopped by SIGTERM{more}", code=128 + signal.SIGTERM)
            fail(f"interrupted{more}", code=130)
        if isinstance(exc, BrokenPipeError):
            # The reader went away (`newsmon status | head`): stop quietly, as other tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(141) from None
        if not isinstance(exc, Exception) or debug:
            raise
        if isinstance(exc, StoreUnavailable):
            fail(str(exc), code=1)
        command = " ".join(ctx.command_path.split()[1:]) or "newsmon"
        lines = str(exc).strip().splitlines()
        detail = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
        fail(f"{command} failed: {detail} (--debug shows the traceback)", code=1)
    finally:
        if main:
            # None: the handler was set outside Python; the default is the nearest.
            signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def _stop(exc: BaseException, terminated: list[int]) -> BaseException | None:
    """The exception a Ctrl-C or SIGTERM raised, if ``exc`` is it or was raised while the
    command unwound from it (a request cut short, a pool shut down under a task; followed
    through ``__context__`` alone: an error raised *from* an old interrupt is an error).
    Prefect answers a SIGTERM during a flow run with its own TerminationSignal, and a task
    group may wrap either in an exception group."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _signals()):
            return current
        if isinstance(current, BaseExceptionGroup):
            inside = (_stop(member, terminated) for member in current.exceptions)
            if (found := next((stop for stop in inside if stop is not None), None)) is not None:
                return found
        current = current.__context__
    # Our SIGTERM handler ran, but what it raised was swallowed on the way.
    return exc if terminated else None


def _signals() -> tuple[type[BaseException], ...]:
    """What a Ctrl-C or SIGTERM raises; Prefect's own only once Prefect is loaded (it can
    have raised nothing before)."""
    prefect_exceptions = sys.modules.get("prefect.exceptions")
    termination = getattr(prefect_exceptions, "TerminationSignal", None)
    return (KeyboardInterrupt,) if termination is None else (KeyboardInterrupt, termination)


def existing_store(current: Settings) -> Store:
    """The store of a command that reads or resends what runs stored: a SQLite file that is
    not there (a mistyped NEWSMON_HOME, nothing run yet) is an error, not a new empty store."""
    from newsmon.database_url import sqlite_file
    from newsmon.demo import demo_home
    from newsmon.store import open_store

    path = sqlite_file(current.database)
    if path is not None and not path.exists():
        demo = demo_home(current)
        # After `newsmon demo`, the first thing tried: its store is its own.
        hint = (
            "; the demo keeps its own: `newsmon status --demo`, `newsmon web --demo`"
            if demo.exists()
            else ""
        )
        fail(f"no store at {path}: nothing has run with this home yet{hint}", code=1)
    return open_store(current)


def prepare_prefect(current: Settings) -> None:
    """Prefect reads its settings when first imported: call before importing flows."""
    from newsmon.prefect_env import configure_prefect

    guarded(lambda: check_head_files(current))
    configure_prefect(current.prefect_home)
    # trafilatura warns of each page part it discards; what newsmon keeps or fails is its
    # own lines' business.
    logging.getLogger("trafilatura").setLevel(logging.ERROR)


def in_prefect(current: Settings, call: Callable[[], T]) -> T:
    """Run ``call``, which runs flows, against the configured Prefect API or else a server
    this process starts and owns (it does not outlive the process, however that ends)."""
    from newsmon.server import ServerError, prefect_api

    try:
        with prefect_api(current.prefect_home):
            return guarded(call)
    except ServerError as exc:
        fail(str(exc), code=1)


def regular_file(path: Path, option: str = "") -> Path:
    """``path`` if it is a file that can be read; else one line and exit 2."""
    where = f"{option} {path}" if option else str(path)
    if not path.exists():
        fail(f"{where}: no such file")
    if path.is_dir():
        fail(f"{where}: is a directory, not a regular file")
    if not path.is_file():
        fail(f"{where}: not a regular file")
    return path


def writable_folder(folder: Path, option: str) -> None:
    """``folder`` exists (made if need be) and takes files; else one line and exit 2, before
    anything is written."""
    if folder.exists() and not folder.is_dir():
        fail(f"{option} {folder}: is a file; name a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".newsmon-write-check"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        fail(f"{option} {folder}: cannot write there: {exc.strerror}")


def read_text(path: Path, option: str = "") -> str:
    regular_file(path, option)
    where = f"{option} {path}" if option else str(path)
    try:
        return _decoded(path.read_bytes(), f"{where}: not a UTF-8 text file")
    except OSError as exc:
        fail(f"cannot read {where}: {exc.strerror}")


def read_stdin(option: str) -> str:
    """Standard input as text, for an option given "-"; one line and exit 2 if it is not
    UTF-8."""
    return _decoded(sys.stdin.buffer.read(), f"{option} -: standard input is not UTF-8 text")


def _decoded(data: bytes, refusal: str) -> str:
    try:
        # utf-8-sig: a file a Windows editor saved starts with a byte-order mark.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fail(f"{refusal} (byte {exc.start} is {exc.object[exc.start]:#04x})")
