"""Bad input to `newsmon`: one line on stderr starting `newsmon: `, and the exit code the README
documents (0 all done, 1 some of it failed, 2 usage or configuration error, 130 interrupted)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

import newsmon.cli.backfill
import newsmon.cli.topic
from newsmon.cli import app
from newsmon.settings import load_settings
from newsmon.store import open_store
from tests.conftest import FIXTURES, ROOT, command_env, free_port

runner = CliRunner()
CLI = FIXTURES / "cli"
PAGE = (
    ROOT
    / "seeds"
    / "demo"
    / "see"
    / "kremlin-reaffirms-readiness-to-normalize-ties-with-georgia.html"
)


def _one_line(stderr: str) -> str:
    """The error, checked to be one line starting with `newsmon: `."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsmon: "), stderr
    return lines[0]


@pytest.fixture
def no_prefect(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the command gets as far as starting Prefect."""

    def refuse(current: object) -> None:
        raise AssertionError("Prefect was started before the input was checked")

    monkeypatch.setattr(newsmon.cli.backfill, "prepare_prefect", refuse)


def test_extract_of_missing_folder_or_device_is_a_usage_error(tmp_path: Path, home: Path) -> None:
    for path, why in (
        (tmp_path / "missing.html", "no such file"),
        (tmp_path, "is a directory, not a regular file"),
        (Path("/dev/null"), "not a regular file"),
    ):
        result = runner.invoke(app, ["extract", str(PAGE), str(path)])
        assert result.exit_code == 2, result.output
        assert _one_line(result.stderr) == f"newsmon: {path}: {why}"
        # Nothing was extracted: the paths are checked before any is read.
        assert result.stdout == ""


@pytest.mark.parametrize("url", ["http://[bad", "notaurl", "javascript:alert(1)"])
def test_extract_refuses_a_url_that_is_no_web_address(home: Path, url: str) -> None:
    result = runner.invoke(app, ["extract", str(PAGE), "--url", url])
    assert result.exit_code == 2, result.output
    assert _one_line(result.stderr) == f"newsmon: --url {url}: not an http:// or https:// URL"
    ok = runner.invoke(app, ["extract", str(PAGE), "--url", "https://civil.ge/archives/1"])
    assert ok.exit_code == 0, ok.output


def test_extract_of_a_png_names_it_and_goes_on(home: Path) -> None:
    result = runner.invoke(app, ["extract", str(CLI / "pixel.png"), str(PAGE)])
    assert result.exit_code == 1
    assert (
        _one_line(result.stderr) == f"newsmon: {CLI / 'pixel.png'}: a PNG image, not an HTML page"
    )
    assert "title: Kremlin Reaffirms Readiness to Normalize Ties with Georgia" in result.stdout


def test_extract_json_keeps_one_line_per_page(home: Path) -> None:
    result = runner.invoke(app, ["extract", "--json", str(PAGE), str(CLI / "pixel.png")])
    assert result.exit_code == 1
    assert [line[:9] for line in result.stdout.splitlines()] == ['{"path": '] * 2
    assert '"error": "a PNG image, not an HTML page"' in result.stdout.splitlines()[1]


def test_classify_refuses_a_binary_file_whole(home: Path) -> None:
    # Exit 2, not per-line errors: a binary file has no lines to speak of.
    result = runner.invoke(app, ["classify", "--input", str(CLI / "pixel.png")])
    assert result.exit_code == 2
    assert "--input" in result.stderr and "pixel.png: not a UTF-8 text file" in result.stderr
    _one_line(result.stderr)
    assert result.stdout == ""


def test_classify_names_each_bad_line(home: Path) -> None:
    result = runner.invoke(app, ["classify", "--input", str(CLI / "one-bad-line.jsonl")])
    assert result.exit_code == 1
    assert "one-bad-line.jsonl line 2: not JSON: Expecting value" in _one_line(result.stderr)
    first, second = result.stdout.splitlines()
    assert '"flag": true' in first and second.startswith('{"error": ')


def test_classify_reads_a_file_saved_with_a_byte_order_mark(tmp_path: Path, home: Path) -> None:
    marked = tmp_path / "marked.jsonl"
    marked.write_bytes(b"\xef\xbb\xbf" + (CLI / "one-bad-line.jsonl").read_bytes())
    result = runner.invoke(app, ["classify", "--input", str(marked)])
    plain = runner.invoke(app, ["classify", "--input", str(CLI / "one-bad-line.jsonl")])
    assert result.stdout == plain.stdout and '"flag": true' in result.stdout.splitlines()[0]


def test_classify_reads_standard_input_for_a_dash(home: Path) -> None:
    lines = (CLI / "one-bad-line.jsonl").read_bytes()
    piped = runner.invoke(app, ["classify", "--input", "-"], input=lines)
    from_file = runner.invoke(app, ["classify", "--input", str(CLI / "one-bad-line.jsonl")])
    assert piped.exit_code == 1 and piped.stdout == from_file.stdout
    assert '"flag": true' in piped.stdout.splitlines()[0]
    assert "standard input line 2: not JSON" in _one_line(piped.stderr)


def test_classify_refuses_binary_standard_input_whole(home: Path) -> None:
    result = runner.invoke(
        app, ["classify", "--input", "-"], input=(CLI / "pixel.png").read_bytes()
    )
    assert result.exit_code == 2 and result.stdout == ""
    assert "--input -: standard input is not UTF-8 text" in _one_line(result.stderr)


@pytest.mark.parametrize(
    ("args", "env", "error"),
    [
        (["--config", str(CLI / "pixel.png")], {}, "pixel.png: not a UTF-8 text file"),
        ([], {"NEWSMON_HOME": str(CLI / "page.html")}, "page.html is not a directory"),
        ([], {"NEWSMON_HOME": str(CLI / "page.html" / "home")}, "page.html is not a directory"),
    ],
)
def test_a_config_or_home_that_cannot_be_one_is_a_configuration_error(
    home: Path, args: list[str], env: dict[str, str], error: str
) -> None:
    result = runner.invoke(app, [*args, "status"], env=env)
    assert result.exit_code == 2
    assert "configuration error: " in result.stderr and error in _one_line(result.stderr)


@pytest.mark.parametrize("key", ["classifier_file", "topic_file"])
def test_a_model_file_that_is_a_folder_is_a_configuration_error(home: Path, key: str) -> None:
    lines = CLI / "one-bad-line.jsonl"
    result = runner.invoke(
        app, ["classify", "--input", str(lines)], env={f"NEWSMON_{key.upper()}": str(CLI)}
    )
    assert result.exit_code == 2
    assert _one_line(result.stderr) == (
        f"newsmon: configuration error: {key}: {CLI}: cannot read it: Is a directory"
    )


@pytest.mark.parametrize("key", ["classifier_file", "topic_file"])
def test_a_poll_with_a_model_file_that_is_not_there_does_not_start(home: Path, key: str) -> None:
    missing = home / "nowhere.json"
    result = runner.invoke(app, ["run"], env={f"NEWSMON_{key.upper()}": str(missing)})
    assert result.exit_code == 2
    assert _one_line(result.stderr) == (
        f"newsmon: configuration error: {key}: {missing}: no such file"
    )


def test_a_command_run_in_process_gives_back_the_sigterm_handler(
    home: Path, empty_store: None
) -> None:
    before = signal.getsignal(signal.SIGTERM)
    assert runner.invoke(app, ["status"]).exit_code == 0
    assert signal.getsignal(signal.SIGTERM) is before


def test_classify_takes_only_text_that_is_a_string(home: Path) -> None:
    # null would be read as the text "None", a number as its digits: each is an error line.
    result = runner.invoke(app, ["classify", "--input", str(CLI / "text-not-a-string.jsonl")])
    assert result.exit_code == 1
    errors = [json.loads(line)["error"] for line in result.stdout.splitlines()]
    assert errors == [
        'not a JSON object with a "text" string',
        'not a JSON object with a "text" string',
        'not a JSON object with a "text" string',
        '"title" is not a string',
    ]
    assert result.stderr.count("newsmon: ") == 4 and "line 4: " in result.stderr


@pytest.mark.parametrize(
    ("command", "labels", "error"),
    [
        ("train", "no-label.jsonl", 'no-label.jsonl:1: no "label"'),
        ("eval", "no-label.jsonl", 'no-label.jsonl:1: no "label"'),
        ("train", "borderline-only.jsonl", "no labelled example, other than borderline, in "),
        ("eval", "borderline-only.jsonl", "no labelled example, other than borderline, in "),
    ],
)
def test_train_and_eval_need_decided_examples(
    home: Path, command: str, labels: str, error: str
) -> None:
    result = runner.invoke(app, [command, "--labels", str(CLI / labels)])
    assert result.exit_code == 2
    assert error in _one_line(result.stderr) and result.stdout == ""


def test_eval_reads_a_wrong_head_before_scoring(home: Path) -> None:
    # Exit code 2 means nothing was done: no evaluation printed before the error.
    topic = FIXTURES / "topic" / "acceptance.jsonl"
    result = runner.invoke(app, ["eval", "--labels", str(topic), "--head", str(CLI / "pixel.png")])
    assert result.exit_code == 2
    assert "pixel.png: not a classifier file" in _one_line(result.stderr)
    assert result.stdout == ""


def test_backfill_of_a_file_without_urls(home: Path, no_prefect: None) -> None:
    result = runner.invoke(app, ["backfill", "--urls", str(CLI / "no-urls.txt")])
    assert result.exit_code == 2
    assert _one_line(result.stderr).startswith(f"newsmon: no URLs in {CLI / 'no-urls.txt'}")


@pytest.mark.parametrize(
    "address", ["notaurl", "file:///etc/passwd", "https://", "http://[::1/sitemap.xml"]
)
def test_backfill_of_a_sitemap_that_is_no_web_address(
    home: Path, no_prefect: None, address: str
) -> None:
    result = runner.invoke(app, ["backfill", "--sitemap", address])
    assert result.exit_code == 2
    assert _one_line(result.stderr) == (
        f"newsmon: --sitemap {address}: not an http:// or https:// URL"
    )


def test_backfill_of_an_unknown_source_names_the_configured_ones(
    home: Path, no_prefect: None
) -> None:
    result = runner.invoke(
        app, ["backfill", "--urls", str(CLI / "urls.txt"), "--source", "nowhere"]
    )
    assert result.exit_code == 2
    line = _one_line(result.stderr)
    assert line.startswith("newsmon: --source nowhere: no configured source of that name;")
    assert "configured: " in line and "civil" in line


def test_backfill_of_a_range_that_ends_before_it_starts(home: Path, no_prefect: None) -> None:
    args = ["--urls", str(CLI / "urls.txt"), "--since", "2025-02-01", "--until", "2025-01-31"]
    result = runner.invoke(app, ["backfill", *args])
    assert result.exit_code == 2
    assert "--since 2025-02-01 is not before --until 2025-01-31" in _one_line(result.stderr)


def test_backfill_report_where_no_folder_can_be_is_refused_first(
    tmp_path: Path, home: Path, no_prefect: None
) -> None:
    taken = tmp_path / "report.txt"
    taken.write_text("a file", encoding="utf-8")
    args = ["--urls", str(CLI / "urls.txt"), "--report", str(taken)]
    result = runner.invoke(app, ["backfill", *args])
    assert result.exit_code == 2
    assert _one_line(result.stderr) == f"newsmon: --report {taken}: is a file; name a folder"


def test_backfill_of_html_given_as_warc(home: Path, no_prefect: None) -> None:
    result = runner.invoke(app, ["backfill", "--warc", str(CLI / "page.html")])
    assert result.exit_code == 2
    assert f"--warc {CLI / 'page.html'}: not a WARC file" in _one_line(result.stderr)


def test_backfill_of_a_device_or_folder_is_not_a_regular_file(
    tmp_path: Path, home: Path, no_prefect: None
) -> None:
    for option, path in (("--urls", "/dev/null"), ("--warc", str(tmp_path))):
        result = runner.invoke(app, ["backfill", option, path])
        assert result.exit_code == 2
        line = _one_line(result.stderr)
        assert line.startswith(f"newsmon: {option} {path}: ") and "not a regular file" in line


def test_backfill_with_every_url_refused_exits_1(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch, prefect_api: None
) -> None:
    monkeypatch.setenv("NEWSMON_RETRY_ATTEMPTS", "1")
    port = free_port()  # nothing listens on it
    urls = tmp_path / "urls.txt"
    urls.write_text(f"http://127.0.0.1:{port}/a.html\nhttp://127.0.0.1:{port}/b.html\n")
    result = runner.invoke(app, ["backfill", "--urls", str(urls), "--no-progress"])
    assert result.exit_code == 1, result.output
    assert "0 stored (0 flagged), 2 failed" in result.stdout
    assert f"failed 2: 127.0.0.1 refused the connection on port {port}" in result.stdout
    assert "robots" not in result.stdout
    assert "newsmon: backfill: all 2 candidates failed" in result.stderr
    # Tried three times, they are given up on: said so, never "already stored", still exit 1.
    for _ in range(2):
        runner.invoke(app, ["backfill", "--urls", str(urls), "--no-progress"])
    given_up = runner.invoke(app, ["backfill", "--urls", str(urls), "--no-progress"])
    assert given_up.exit_code == 1, given_up.output
    assert "0 failed, 0 already stored, 0 outside the range, 2 given up after 3 failed tries" in (
        given_up.stdout
    )
    assert "newsmon: backfill: all 2 candidates failed" in given_up.stderr
    # Once what failed them is fixed, they are tried again when asked: fetched, failed once.
    again = runner.invoke(
        app, ["backfill", "--urls", str(urls), "--no-progress", "--retry-given-up"]
    )
    assert "0 stored (0 flagged), 2 failed, 0 already stored" in again.stdout, again.output
    assert "given up" not in again.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--config", "{config}", "status"],
        ["status", "--config", "{config}"],
        ["alerts", "flush", "--config", "{config}"],
        ["sources", "check", "--config", "{config}"],
    ],
)
def test_config_before_or_after_the_command(args: list[str], home: Path) -> None:
    bad = str(CLI / "bad.toml")
    result = runner.invoke(app, [arg.format(config=bad) for arg in args])
    assert result.exit_code == 2
    assert f"configuration error: {bad}: interval_seconds" in _one_line(result.stderr)


def test_config_after_the_command_wins(home: Path, empty_store: None) -> None:
    good, bad = str(CLI / "good.toml"), str(CLI / "bad.toml")
    later_bad = runner.invoke(app, ["--config", good, "status", "--config", bad])
    assert later_bad.exit_code == 2 and bad in later_bad.stderr
    later_good = runner.invoke(app, ["--config", bad, "status", "--config", good])
    assert later_good.exit_code == 0, later_good.output
    from_env = runner.invoke(app, ["status", "--config", good], env={"NEWSMON_CONFIG": bad})
    assert from_env.exit_code == 0, from_env.output


def test_config_folder_is_not_a_regular_file(home: Path) -> None:
    result = runner.invoke(app, ["status", "--config", str(CLI)])
    assert result.exit_code == 2
    assert (
        _one_line(result.stderr) == f"newsmon: --config {CLI}: is a directory, not a regular file"
    )


def test_negative_number_in_the_environment_is_one_line(home: Path) -> None:
    result = runner.invoke(app, ["status"], env={"NEWSMON_INTERVAL_SECONDS": "-5"})
    assert result.exit_code == 2
    line = _one_line(result.stderr)
    assert "NEWSMON_INTERVAL_SECONDS" in line
    assert "must be a whole number, 1 or more, got '-5'" in line


@pytest.mark.parametrize("command", [["status"], ["run"], ["web"]])
def test_a_database_that_does_not_answer_is_named(tmp_path: Path, command: list[str]) -> None:
    # It read "status failed: OperationalError: (psycopg.OperationalError) ...", a crash.
    url = f"postgresql+psycopg://desk:secret@127.0.0.1:{free_port()}/newsmon"
    line = _failed_line(command, tmp_path / "home", NEWSMON_DATABASE_URL=url)
    assert line.startswith("newsmon: cannot connect to the database postgresql+psycopg://desk:***@")
    assert "Connection refused" in line and "secret" not in line


@pytest.mark.parametrize("command", [["deploy", "--pool", "desk"], ["serve"], ["run"]])
def test_a_prefect_server_that_does_not_answer_is_named(tmp_path: Path, command: list[str]) -> None:
    # serve had announced its polls, then failed with "ConnectError" naming no address.
    api = f"http://127.0.0.1:{free_port()}/api"
    line = _failed_line(command, tmp_path / "home", PREFECT_API_URL=api)
    assert f"no Prefect server answers at PREFECT_API_URL={api}" in line


def _failed_line(command: list[str], home: Path, **env: str) -> str:
    """The one line of a `newsmon` process that exited 1, run with this home and settings."""
    done = subprocess.run(
        [sys.executable, "-m", "newsmon.cli", *command],
        env=command_env(home, **env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    return _one_line(done.stderr)


def test_unknown_option_is_one_line_usage_error(home: Path) -> None:
    result = runner.invoke(app, ["backfill", "--zzz"])
    assert result.exit_code == 2
    assert _one_line(result.stderr) == (
        "newsmon: backfill: No such option: --zzz; see `newsmon backfill --help`"
    )


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (["extract", "--url"], "extract"),
        (["--debug", "alerts", "preview", "--out"], "alerts preview"),
        (["--config", "alerts", "labels", "export", "--output"], "labels export"),
    ],
)
def test_an_option_without_its_value_names_its_command(
    args: list[str], command: str, home: Path
) -> None:
    """Click raises this error without the command's context: the words of the command line
    name it, past the group's own options and a value that reads like a command."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    option = args[-1]
    assert _one_line(result.stderr) == (
        f"newsmon: {command}: Option '{option}' requires an argument; "
        f"see `newsmon {command} --help`"
    )


def test_unexpected_exception_is_one_line_unless_debug(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: Path, page_url: str) -> dict[str, str]:
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(newsmon.cli.topic, "_extracted", broken)
    result = runner.invoke(app, ["extract", str(PAGE)])
    assert result.exit_code == 1
    assert _one_line(result.stderr) == (
        "newsmon: extract failed: RuntimeError: disk on fire (--debug shows the traceback)"
    )
    debugged = runner.invoke(app, ["--debug", "extract", str(PAGE)])
    assert isinstance(debugged.exception, RuntimeError)


def test_debug_prints_the_traceback(tmp_path: Path) -> None:
    """A real process: without --debug one line, with it Python's traceback."""
    broken = (
        "import sys, newsmon.cli.topic as topic\n"
        "def boom(path, url): raise RuntimeError('disk on fire')\n"
        "topic._extracted = boom\n"
        "from newsmon.cli import run\n"
        "sys.argv[0] = 'newsmon'\n"
        "run()\n"
    )
    env = {**os.environ, "NEWSMON_HOME": str(tmp_path / "home")}
    for debug, code in (([], 1), (["--debug"], 1)):
        done = subprocess.run(
            [sys.executable, "-c", broken, *debug, "extract", str(PAGE)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == code
        if debug:
            assert "Traceback (most recent call last)" in done.stderr
            assert done.stderr.rstrip().endswith("RuntimeError: disk on fire")
        else:
            assert _one_line(done.stderr).startswith("newsmon: extract failed: RuntimeError")


def test_the_program_ends_with_its_commands_code_output_and_exit_handlers(
    tmp_path: Path,
) -> None:
    """The program skips the interpreter's teardown: what the command printed into a pipe,
    its exit code and the exit handlers (temporary folders) must all survive that."""
    program = (
        "import atexit, os, sys\n"
        "atexit.register(lambda: open(os.environ['EXIT_MARK'], 'a').write('ran\\n'))\n"
        "from newsmon.cli import run\n"
        "run()\n"
    )
    mark = tmp_path / "mark"
    env = {**os.environ, "NEWSMON_HOME": str(tmp_path / "home"), "EXIT_MARK": str(mark)}
    for args, code in ((["extract", str(PAGE), "--json"], 0), (["extract", "missing.html"], 2)):
        done = subprocess.run(
            [sys.executable, "-c", program, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == code, done.stderr
        if code == 0:
            assert json.loads(done.stdout)["title"].startswith("Kremlin Reaffirms")
    assert mark.read_text() == "ran\nran\n"


def test_ctrl_c_is_exit_130_and_one_line(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(path: Path, page_url: str) -> dict[str, str]:
        raise KeyboardInterrupt

    monkeypatch.setattr(newsmon.cli.topic, "_extracted", interrupted)
    result = runner.invoke(app, ["extract", str(PAGE)])
    assert result.exit_code == 130
    assert _one_line(result.stderr) == "newsmon: interrupted"


def _cut_short(stop: object, error: BaseException | None = None) -> object:
    """A command body whose request is cut short by ``stop`` (a signal's name, or None for
    no stop) and fails with the error that leaves behind (``error``, by default what a pool
    or a client shut down under it raises)."""

    def extracted(path: Path, page_url: str) -> dict[str, str]:
        try:
            if stop is not None:
                os.kill(os.getpid(), stop)
                time.sleep(5)
        finally:
            raise error or OSError("connection closed by the pool")

    return extracted


@pytest.mark.parametrize(
    ("stop", "error", "code", "line"),
    [
        (signal.SIGTERM, None, 143, "newsmon: stopped by SIGTERM"),
        (None, None, 1, "newsmon: extract failed: OSError: connection closed by the pool"),
        # `newsmon status | head` killed as a group: the stop, not a reader gone (141).
        (signal.SIGTERM, BrokenPipeError(), 143, "newsmon: stopped by SIGTERM"),
    ],
)
def test_an_error_raised_while_stopping_for_sigterm_is_the_stop(
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    stop: object,
    error: BaseException | None,
    code: int,
    line: str,
) -> None:
    monkeypatch.setattr(newsmon.cli.topic, "_extracted", _cut_short(stop, error))
    result = runner.invoke(app, ["extract", str(PAGE)])
    assert result.exit_code == code
    assert _one_line(result.stderr) == (
        f"{line} (--debug shows the traceback)" if code == 1 else line
    )


def test_an_error_raised_from_an_interrupt_handled_earlier_is_an_error(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Explicitly chained to an interrupt the command had dealt with, the error is its own:
    only an error raised while the stop unwinds is part of the stop."""

    def extracted(path: Path, page_url: str) -> dict[str, str]:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as handled:
            saved = handled
        raise RuntimeError("disk on fire") from saved

    monkeypatch.setattr(newsmon.cli.topic, "_extracted", extracted)
    result = runner.invoke(app, ["extract", str(PAGE)])
    assert result.exit_code == 1
    assert _one_line(result.stderr).startswith("newsmon: extract failed: RuntimeError")


def test_debug_shows_what_failed_while_stopping(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(newsmon.cli.topic, "_extracted", _cut_short(signal.SIGTERM))
    result = runner.invoke(app, ["--debug", "extract", str(PAGE)])
    assert isinstance(result.exception, OSError)


@pytest.mark.parametrize("grouped", [False, True])
def test_prefects_termination_signal_is_a_stop_by_sigterm(
    home: Path, monkeypatch: pytest.MonkeyPatch, grouped: bool
) -> None:
    """Prefect answers a SIGTERM during a flow run with its own exception, which is no
    Exception (and a task group may wrap it); escaping the command, it would be a traceback
    and exit 1."""
    from prefect.exceptions import TerminationSignal

    def terminated(path: Path, page_url: str) -> dict[str, str]:
        stop = TerminationSignal(signal.SIGTERM)
        raise BaseExceptionGroup("task group", [stop]) if grouped else stop

    monkeypatch.setattr(newsmon.cli.topic, "_extracted", terminated)
    result = runner.invoke(app, ["extract", str(PAGE)])
    assert result.exit_code == 143
    assert _one_line(result.stderr) == "newsmon: stopped by SIGTERM"


@pytest.mark.parametrize(
    ("stop", "code", "line"),
    [("ctrl-c", 130, "interrupted"), ("prefect", 143, "stopped by SIGTERM")],
)
def test_a_stopped_backfill_says_how_to_go_on(
    home: Path, monkeypatch: pytest.MonkeyPatch, stop: str, code: int, line: str
) -> None:
    """However the stop reaches the command: Ctrl-C, or Prefect's answer to a SIGTERM."""
    from prefect.exceptions import TerminationSignal

    def stopped(current: object, call: object) -> None:
        raise KeyboardInterrupt if stop == "ctrl-c" else TerminationSignal(signal.SIGTERM)

    monkeypatch.setattr(newsmon.cli.backfill, "prepare_prefect", lambda current: None)
    monkeypatch.setattr(newsmon.cli.backfill, "in_prefect", stopped)
    result = runner.invoke(app, ["backfill", "--urls", str(CLI / "urls.txt")])
    assert result.exit_code == code
    assert _one_line(result.stderr) == (
        f"newsmon: {line}; batches stored so far are kept; run the same command again to "
        "go on where it stopped"
    )


def _command_paths() -> list[list[str]]:
    group = typer.main.get_group(app)
    paths: list[list[str]] = [[]]
    for name, command in group.commands.items():
        subcommands = getattr(command, "commands", None)
        paths += [[name, sub] for sub in subcommands] if subcommands else [[name]]
    return paths


def test_every_help_shows_config_and_no_python_types() -> None:
    paths = _command_paths()
    assert len(paths) >= 12
    for path in paths:
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, path
        assert "--config" in result.stdout, path
        # Typer's defaults: <bool>, <list[Path]>, {paths}, VALUE...
        python_type = r"<(?:bool|str|int|float|path|list\[|Path)|\{\w+\}|\bVALUE\b"
        assert not re.search(python_type, result.stdout), (path, result.stdout)


@pytest.mark.parametrize(
    "args",
    [
        ["status"],
        ["status", "--json"],
        ["alerts", "flush"],
        ["alerts", "retry"],
        ["alerts", "preview"],
        ["labels", "export"],
    ],
)
def test_a_command_reading_the_store_before_any_run_makes_none(args: list[str], home: Path) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert _one_line(result.stderr) == (
        f"newsmon: no store at {home / 'newsmon.db'}: nothing has run with this home yet"
    )
    assert not home.exists()
    # The pair: once a run has made the store, the same command reads it.
    open_store(load_settings())
    assert runner.invoke(app, args).exit_code == 0


def test_alerts_preview_with_nothing_queued_leaves_no_folder(
    tmp_path: Path, home: Path, empty_store: None
) -> None:
    result = runner.invoke(app, ["alerts", "preview", "--out", str(tmp_path / "preview")])
    assert (result.exit_code, result.stdout) == (0, "nothing queued: no message to preview\n")
    assert not (tmp_path / "preview").exists()


def test_alerts_preview_into_a_folder_it_cannot_write_is_one_line(
    tmp_path: Path, home: Path, empty_store: None
) -> None:
    # A file where a folder should be: refused even for root, unlike a read-only folder.
    blocker = tmp_path / "report.txt"
    blocker.write_text("not a folder", encoding="utf-8")
    result = runner.invoke(app, ["alerts", "preview", "--out", str(blocker / "preview")])
    assert result.exit_code == 2
    assert _one_line(result.stderr) == (
        f"newsmon: --out {blocker / 'preview'}: cannot write there: Not a directory"
    )
