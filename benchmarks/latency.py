"""Latency from an item appearing in a feed to the SMTP server accepting its alert.

`newsmon serve` (its own local Prefect server, every scheduled run a new process) polls a
feed on 127.0.0.1 every 30 s; 20 on-topic items (the English positives of the held-out
examples, then of the training file) appear one at a time, 13 s apart so they land at every
point of the poll cycle; an aiosmtpd server on 127.0.0.1 notes when it accepts each alert.
Run: .venv/bin/python benchmarks/latency.py
"""

from __future__ import annotations

import html
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from common import ROOT

ITEMS = 20
SPACING_SECONDS = 13
INTERVAL_SECONDS = 30
PATIENCE_SECONDS = 240


def articles() -> list[dict[str, Any]]:
    rows = []
    for name in ("labels-more.jsonl", "labels.jsonl"):
        lines = (ROOT / "seeds" / name).read_text(encoding="utf-8").splitlines()
        rows += [json.loads(line) for line in lines]
    return [r for r in rows if r["label"] == 1 and r["lang"] == "en"][:ITEMS]


class Site:
    """The feed and its article pages; an item is published by appending it."""

    def __init__(self) -> None:
        self.published: list[tuple[int, dict[str, Any]]] = []
        self.lock = threading.Lock()

    def feed(self, base: str) -> bytes:
        with self.lock:
            items = "".join(
                f"<item><title>{html.escape(a['title'])}</title>"
                f"<link>{base}/news/{n}.html</link><guid>{base}/news/{n}.html</guid>"
                f"<description>{html.escape(a['text'])}</description></item>"
                for n, a in reversed(self.published)
            )
        channel = f"<channel><title>Wire</title>{items}</channel>"
        return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()

    def page(self, number: int) -> bytes | None:
        with self.lock:
            found = dict(self.published).get(number)
        if found is None:
            return None
        title, text = html.escape(found["title"]), html.escape(found["text"])
        body = f"<p>{text}</p><p>{text}</p>"
        return (
            f"<html lang='en'><head><title>{title}</title></head><body><article>"
            f"<h1>{title}</h1>{body}</article></body></html>"
        ).encode()


def serve_site(site: Site) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path == "/feed.xml":
                self._send(200, site.feed(base), "application/rss+xml")
            elif self.path.startswith("/news/") and self.path.endswith(".html"):
                page = site.page(int(self.path[6:-5]))
                self._send(200 if page else 404, page or b"", "text/html; charset=utf-8")
            else:
                self._send(404, b"", "text/plain")

        def _send(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def serve_smtp(accepted: dict[str, float]) -> Any:
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
            subject = str(message_from_bytes(envelope.content)["Subject"])
            accepted.setdefault(subject, time.time())
            return "250 OK"

    with socket.socket() as probe:  # the controller needs its port named
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def main() -> None:
    site, accepted = Site(), {}
    web, mail = serve_site(site), serve_smtp(accepted)
    home = Path(tempfile.mkdtemp(prefix="newsmon-latency-"))
    config = home / "config.toml"
    config.write_text(
        f"""
[fetch]
host_delay_seconds = 0.0
[[sources]]
name = "wire"
outlet = "Wire"
kind = "feed"
url = "http://127.0.0.1:{web.server_address[1]}/feed.xml"
language = "en"
""",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "NEWSMON_HOME": str(home),
        "NEWSMON_CONFIG": str(config),
        "NEWSMON_SMTP_URL": f"smtp://127.0.0.1:{mail.port}",
        "NEWSMON_INTERVAL_SECONDS": str(INTERVAL_SECONDS),
        "HF_HUB_OFFLINE": "1",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    log = (home / "serve.log").open("w")
    serve = subprocess.Popen(
        [str(Path(sys.executable).parent / "newsmon"), "serve"], env=env, stdout=log, stderr=log
    )
    published: dict[str, float] = {}
    try:
        time.sleep(INTERVAL_SECONDS)  # the server is up and the schedule running
        for number, item in enumerate(articles()):
            with site.lock:
                site.published.append((number, item))
            published[item["title"]] = time.time()
            time.sleep(SPACING_SECONDS)
        deadline = time.time() + PATIENCE_SECONDS
        while time.time() < deadline and len(_latencies(published, accepted)) < len(published):
            time.sleep(1)
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
        mail.stop()
        web.shutdown()
    latencies = _latencies(published, accepted)
    print(f"{len(published)} items, poll interval {INTERVAL_SECONDS} s, newsmon serve")
    print(f"alerts accepted: {len(latencies)}; other messages: {len(accepted) - len(latencies)}")
    if latencies:
        values = list(latencies.values())
        print(f"latency median {statistics.median(values):.1f} s, max {max(values):.1f} s")
    for title in published.keys() - latencies.keys():
        print(f"  no alert: {title}")


def _latencies(published: dict[str, float], accepted: dict[str, float]) -> dict[str, float]:
    """Seconds from each item's appearance to its alert's acceptance, by title."""
    found = {}
    for title, at in published.items():
        times = [t for subject, t in accepted.items() if title in " ".join(subject.split())]
        if times:
            found[title] = min(times) - at
    return found


if __name__ == "__main__":
    main()
