"""`newsmon demo`: seed-like pages served on 127.0.0.1, and a config that watches them."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

from newsmon.settings import PROJECT_ROOT, Settings

DEMO_PAGES = PROJECT_ROOT / "seeds" / "demo"
TEMPLATED = (".xml",)


class _Handler(SimpleHTTPRequestHandler):
    base_url = ""

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.suffix in TEMPLATED and path.is_file():
            body = path.read_text(encoding="utf-8").replace("{base}", self.base_url).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the demo prints its own summary."""


class DemoServer:
    """Serves ``seeds/demo`` on an ephemeral 127.0.0.1 port while in a ``with`` block."""

    def __init__(self, root: Path = DEMO_PAGES) -> None:
        handler = type("DemoHandler", (_Handler,), {})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=root))
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        handler.base_url = self.base_url
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> DemoServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()


def demo_config(base_url: str) -> str:
    """A config watching the demo server: feeds in three languages and a listing page, as in
    production."""
    return f'''# Written by `newsmon demo`: the demo sources on {base_url}.
[alerts]
# The demo's poll is over in seconds: its alerts wait for every source, so a story's copies
# are listed in its one alert.
alert_hold_seconds = 60.0

[fetch]
# The demo server is on this machine, which links are otherwise not let reach.
allowed_networks = ["127.0.0.1"]
host_delay_seconds = 0.05
retry_backoff_seconds = 0.2

[[sources]]
name = "demo-civil"
outlet = "Civil.ge (demo)"
kind = "feed"
url = "{base_url}/civil/feed.xml"
language = "en"
evidence = "demo"

[[sources]]
name = "demo-sada-elbalad-en"
outlet = "Sada El-Balad English (demo)"
kind = "listing"
url = "{base_url}/see/category/world/"
language = "en"
evidence = "demo"
link_pattern = "/see/(?!category/|tag/)[a-z0-9-]{{15,}}\\\\.html$"

[[sources]]
name = "demo-tbilisi-courier-ka"
outlet = "თბილისის კურიერი (demo)"
kind = "feed"
url = "{base_url}/tbilisi-ka/feed.xml"
language = "ka"
evidence = "demo"

[[sources]]
name = "demo-kavkaz-observer-ru"
outlet = "Кавказский обозреватель (demo)"
kind = "feed"
url = "{base_url}/moskva-ru/feed.xml"
language = "ru"
evidence = "demo"
'''


def demo_home(desk: Settings) -> Path:
    return desk.home / "demo"


def demo_environment(desk: Settings, environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` without the desk's NEWSMON_* settings (its store, SMTP server, recipients,
    config file): the demo keeps everything under NEWSMON_HOME/demo and reuses only the
    converted model."""
    kept = {name: value for name, value in environ.items() if not name.startswith("NEWSMON_")}
    return {
        **kept,
        "NEWSMON_HOME": str(demo_home(desk)),
        "NEWSMON_MODEL_CACHE": str(desk.models_dir),
    }


@contextmanager
def demo_settings(desk: Settings) -> Iterator[Path]:
    """The process's environment is the demo's while in the ``with`` block (the poll flow
    reads its settings from it); the demo's home."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(demo_environment(desk, saved))
    try:
        yield demo_home(desk)
    finally:
        os.environ.clear()
        os.environ.update(saved)
