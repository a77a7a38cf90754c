"""Shared fixtures: real servers on 127.0.0.1 (HTTP, SMTP, Prefect's test API), a fresh
NEWSMON_HOME per test, and no network beyond this machine."""

from __future__ import annotations

import atexit
import json
import logging
import os
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest

from tests import processes

# Set before Prefect or transformers are imported anywhere. Everything temporary of this
# session, in its processes too, goes under one folder removed when the session ends (pytest's
# own tmp_path folders stay where they were); the packaged model is converted once into it.
os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", tempfile.gettempdir())
SESSION_TEMP = tempfile.mkdtemp(prefix="newsmon-test-")
tempfile.tempdir = SESSION_TEMP
# Registered first, so run last at exit: after Prefect's test harness removes its own folder.
atexit.register(shutil.rmtree, SESSION_TEMP, ignore_errors=True)
_PREFECT_HOME = tempfile.mkdtemp(prefix="prefect-")
MODEL_CACHE = tempfile.mkdtemp(prefix="models-")
os.environ.update(
    {
        "TMPDIR": SESSION_TEMP,
        "NEWSMON_MODEL_CACHE": MODEL_CACHE,
        # Where newsmon's encoder puts it; a test converting a model before any encoder is
        # loaded would otherwise leave torch's compiler cache in the temp folder.
        "TORCHINDUCTOR_CACHE_DIR": os.path.join(MODEL_CACHE, "torchinductor"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_HOME": _PREFECT_HOME,
        "TOKENIZERS_PARALLELISM": "false",
    }
)
os.environ[processes.MARK_NAME] = processes.MARK_VALUE
os.environ.pop("PREFECT_API_URL", None)
# The fixture HTTP server (werkzeug) gives its logger a handler on the stderr of the moment
# it first logs: inside a command's CliRunner, a stream closed once the command is done, and
# a later request's log line lands in another command's stderr as a logging error. With a
# handler of its own from the start it adds none; its lines still reach pytest's log capture.
logging.getLogger("werkzeug").addHandler(logging.NullHandler())

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = ROOT.parent / "shared" / "data"
# Quality floors of the statistical steps: lowering one is a visible change in review.
QUALITY_FLOORS = json.loads((Path(__file__).parent / "quality_floors.json").read_text())


@pytest.fixture(autouse=True)
def _nothing_outlives_the_test() -> Iterator[None]:
    """Fail a test that leaves a process it started, or a folder in the temp folder, behind."""
    processes_before = set(processes.session_processes())
    temp_before = processes.temp_entries()
    yield
    left = processes.survivors(processes_before, _session_servers())
    processes.kill(set(left))
    new_temp = processes.temp_entries() - temp_before
    for name in new_temp:
        shutil.rmtree(Path(tempfile.gettempdir()) / name, ignore_errors=True)
    assert not left, f"processes outlived the test: {left}"
    assert not new_temp, f"temp folders outlived the test: {sorted(new_temp)}"


def _session_servers() -> set[int]:
    """The Prefect test harness's server: a session fixture's, meant to outlive a test."""
    import sys

    if "prefect.server.api.server" not in sys.modules:
        return set()
    from prefect.server.api.server import SubprocessASGIServer

    return {
        server.server_process.pid
        for server in SubprocessASGIServer._instances.values()
        if server.server_process
    }


def shared_data(relative: str) -> Path:
    """A file of ../shared/data; the test is skipped where that folder is absent."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[None]:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with (
        prefect_test_harness(server_startup_timeout=120),
        temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
    ):
        yield


# The PostgreSQL that .ci/run starts; without it, PostgreSQL runs are skipped (failed in CI).
POSTGRES_URL = os.environ.get("NEWSMON_TEST_POSTGRES_URL", "")


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The store's database: each test once on SQLite and once on PostgreSQL, with empty
    tables. Set as NEWSMON_DATABASE_URL, so processes a test starts use it too."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    elif POSTGRES_URL:
        url = POSTGRES_URL
        _drop_tables(url)
    elif os.environ.get("CI"):
        pytest.fail("NEWSMON_TEST_POSTGRES_URL is not set: .ci/run starts PostgreSQL")
    else:
        pytest.skip("no PostgreSQL: set NEWSMON_TEST_POSTGRES_URL")
    monkeypatch.setenv("NEWSMON_DATABASE_URL", url)
    yield url
    if request.param == "postgres":
        _drop_tables(url)


def _drop_tables(url: str) -> None:
    """Every table, Alembic's version table too: the next store starts from nothing."""
    from sqlalchemy import MetaData

    from newsmon.store import make_engine

    engine = make_engine(url)
    tables = MetaData()
    tables.reflect(engine)
    tables.drop_all(engine)
    engine.dispose()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSMON_HOME", str(tmp_path / "home"))
    for name in list(os.environ):
        if name.startswith("NEWSMON_") and name not in ("NEWSMON_HOME", "NEWSMON_MODEL_CACHE"):
            monkeypatch.delenv(name)
    # The test servers are on this machine ("localhost": both loopback addresses), which
    # fetches may reach only when allowed.
    monkeypatch.setenv("NEWSMON_ALLOWED_NETWORKS", "127.0.0.1,::1")
    # Commands set it under their home when it is unset; each test's own, restored after it.
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "home" / "matplotlib"))
    return tmp_path / "home"


@pytest.fixture
def empty_store(home: Path) -> None:
    """The desk's store as a first run leaves it with nothing found."""
    from newsmon.settings import load_settings
    from newsmon.store import open_store

    open_store(load_settings())


@dataclass
class Mailbox:
    """Messages an SMTP server on 127.0.0.1 accepted, and a switch to make it refuse."""

    url: str
    messages: list[Message] = field(default_factory=list)
    refuse_with: list[str] = field(default_factory=list)
    # Called with each accepted message before the server answers 250: a crash to inject.
    on_accept: Callable[[Message], None] | None = None


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    from aiosmtpd.controller import Controller

    box = Mailbox(url="")

    class Handler:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            if box.refuse_with:
                return box.refuse_with.pop(0)
            message = message_from_bytes(envelope.content)  # type: ignore[attr-defined]
            box.messages.append(message)
            if box.on_accept:
                box.on_accept(message)
            return "250 Message accepted for delivery"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    box.url = f"smtp://127.0.0.1:{port}"
    try:
        yield box
    finally:
        controller.stop()


def mail_parts(message: Message) -> dict[str, str]:
    """A message's text and HTML bodies by content type."""
    return {
        part.get_content_type(): part.get_payload(decode=True).decode()  # type: ignore[union-attr]
        for part in message.walk()
        if not part.is_multipart()
    }


def command_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a `newsmon` process a test starts: none of this session's NEWSMON_*
    settings or Prefect API and home (it starts its own Prefect server), its own home."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NEWSMON_", "PREFECT_API", "PREFECT_HOME"))
    }
    return {**env, "NEWSMON_HOME": str(home), **extra}


def stories_weighed(database: str) -> list[bool]:
    """Whether each story of the store was weighed as settled (Store.settle_stories)."""
    from sqlalchemy import select

    from newsmon.store import Store, StoryRow

    store = Store(database)
    try:
        with store.session() as session:
            return [
                story.settled_through is not None for story in session.scalars(select(StoryRow))
            ]
    finally:
        store.engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(autouse=True)
def _robots_txt_absent(request: pytest.FixtureRequest) -> None:
    """Test sites have no robots.txt (a 404 allows everything) unless a test serves one."""
    if "httpserver" in request.fixturenames:
        server = request.getfixturevalue("httpserver")
        server.expect_request("/robots.txt").respond_with_data("", status=404)
