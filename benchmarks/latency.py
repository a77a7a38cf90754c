"""Latency from an item appearing in a feed to the SMTP server accepting the first message
that names it, while one host trickles.

`newsmon serve` (its own local Prefect server, every scheduled run a new process) polls four
feeds on 127.0.0.1 every 30 s: three normal hosts and one that trickles each article page
(its body a chunk a second, 25 s a page). 12 on-topic items (English positives of the
labelled examples) appear on the normal feeds, one every 10 s in turn, so they land at every
point of the poll cycle; the trickling feed gets one every 40 s. An aiosmtpd server on
127.0.0.1 notes when it accepts each message; an item is told when a message first names it
(its alert, the alert of a story it joined, or a follow-up). The figure is the median
latency of the normal feeds' items (goal: 60 s or less). Exits 1 when an item is never told
or a poll reports a failed source or article page.
Run: .venv/bin/python benchmarks/latency.py
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from common import ROOT

ITEMS = 12
NORMAL_HOSTS = 3
SPACING_SECONDS = 10
TRICKLE_EVERY = 4  # of the normal items, one trickling item
TRICKLE_PAGE_SECONDS = 25
INTERVAL_SECONDS = 30
STARTUP_SECONDS = 180
PATIENCE_SECONDS = 90
GOAL_SECONDS = 60
POLL_LINE = re.compile(
    r"poll: (\d+) of (\d+) sources ok, \d+ new articles \((\d+) failed\).*; ([\d.]+) s$"
)


def articles() -> list[dict[str, Any]]:
    rows = []
    for name in ("labels-more.jsonl", "labels.jsonl"):
        lines = (ROOT / "seeds" / name).read_text(encoding="utf-8").splitlines()
        rows += [json.loads(line) for line in lines]
    return [r for r in rows if r["label"] == 1 and r["lang"] == "en"]


class Site:
    """A feed and its article pages; an item is published by appending it."""

    def __init__(self, name: str, trickle_seconds: float = 0.0) -> None:
        self.name = name
        self.trickle_seconds = trickle_seconds
        self.published: list[tuple[int, dict[str, Any]]] = []
        self.lock = threading.Lock()

    def publish(self, number: int, item: dict[str, Any]) -> None:
        with self.lock:
            self.published.append((number, item))

    def feed(self, base: str) -> bytes:
        with self.lock:
            items = "".join(
                f"<item><title>{html.escape(a['title'])}</title>"
                f"<link>{base}/news/{n}.html</link><guid>{base}/news/{n}.html</guid>"
                f"<description>{html.escape(a['text'])}</description></item>"
                for n, a in reversed(self.published)
            )
        channel = f"<channel><title>{self.name}</title>{items}</channel>"
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
            base = f"http://{self.headers['Host']}"
            if self.path == "/feed.xml":
                self._send(200, site.feed(base), "application/rss+xml")
            elif self.path.startswith("/news/") and self.path.endswith(".html"):
                page = site.page(int(self.path[6:-5]))
                kind = "text/html; charset=utf-8"
                self._send(200 if page else 404, page or b"", kind, site.trickle_seconds)
            else:
                self._send(404, b"", "text/plain")

        def _send(self, status: int, body: bytes, kind: str, trickle: float = 0.0) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            # A trickling host: a chunk a second, never slow enough for a read timeout.
            pieces = max(1, int(trickle))
            size = max(1, -(-len(body) // pieces))
            try:
                for start in range(0, len(body), size):
                    self.wfile.write(body[start : start + size])
                    self.wfile.flush()
                    if trickle:
                        time.sleep(trickle / pieces)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the fetcher gave up on it

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def serve_smtp(accepted: dict[str, float]) -> Any:
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
            message = message_from_bytes(envelope.content, policy=policy.default)
            body = message.get_body(("plain",))
            text = body.get_content() if isinstance(body, EmailMessage) else ""
            # An item's title in an alert's headline or its list of outlets, or in a
            # follow-up: wrapped lines joined back.
            accepted.setdefault(" ".join(text.split()), time.time())
            return "250 OK"

    with socket.socket() as probe:  # the controller needs its port named
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def write_config(path: Path, servers: list[tuple[Site, ThreadingHTTPServer]]) -> None:
    sources = "".join(
        f"""
[[sources]]
name = "{site.name}"
outlet = "{site.name.title()}"
kind = "feed"
url = "http://127.0.0.1:{server.server_address[1]}/feed.xml"
language = "en"
"""
        for site, server in servers
    )
    # The fixture hosts are on loopback, which fetches reach only when allowed.
    fetch = '[fetch]\nhost_delay_seconds = 0.0\nallowed_networks = ["127.0.0.1"]\n'
    path.write_text(fetch + sources, encoding="utf-8")


def start_serve(home: Path, config: Path, smtp_port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "NEWSMON_HOME": str(home),
        "NEWSMON_CONFIG": str(config),
        "NEWSMON_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "NEWSMON_INTERVAL_SECONDS": str(INTERVAL_SECONDS),
        "HF_HUB_OFFLINE": "1",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    log = (home / "serve.log").open("w")
    newsmon = str(Path(sys.executable).parent / "newsmon")
    return subprocess.Popen([newsmon, "serve"], env=env, stdout=log, stderr=log)


def wait_for_first_poll(log: Path, serve: subprocess.Popen[bytes]) -> None:
    """The server is up, the model converted and the schedule running."""
    deadline = time.time() + STARTUP_SECONDS
    while not poll_lines(log):
        if time.time() > deadline or serve.poll() is not None:
            sys.exit(f"newsmon serve made no poll in {STARTUP_SECONDS} s; see {log}")
        time.sleep(1)


def publish(normal: list[Site], trickling: Site, items: list[dict[str, Any]]) -> dict[str, float]:
    """Publish the items, one every SPACING_SECONDS; when each normal one appeared."""
    published: dict[str, float] = {}
    extra = items[ITEMS:]
    for number, item in enumerate(items[:ITEMS]):
        normal[number % len(normal)].publish(number, item)
        published[item["title"]] = time.time()
        if number % TRICKLE_EVERY == 0 and extra:
            trickling.publish(100 + number, extra.pop(0))
        time.sleep(SPACING_SECONDS)
    return published


def main() -> None:
    normal = [Site(f"wire-{n}") for n in range(NORMAL_HOSTS)]
    trickling = Site("trickle", TRICKLE_PAGE_SECONDS)
    accepted: dict[str, float] = {}
    servers = [(site, serve_site(site)) for site in [*normal, trickling]]
    mail = serve_smtp(accepted)
    home = Path(tempfile.mkdtemp(prefix="newsmon-latency-"))
    write_config(home / "config.toml", servers)
    serve = start_serve(home, home / "config.toml", mail.port)
    try:
        wait_for_first_poll(home / "serve.log", serve)
        published = publish(normal, trickling, articles())
        deadline = time.time() + PATIENCE_SECONDS
        while time.time() < deadline and len(_latencies(published, accepted)) < len(published):
            time.sleep(1)
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
        mail.stop()
        for _, server in servers:
            server.shutdown()
    problems = report(published, accepted, poll_lines(home / "serve.log"))
    if problems:
        sys.exit("FAILED: " + "; ".join(problems) + f" (log: {home / 'serve.log'})")
    shutil.rmtree(home, ignore_errors=True)


def report(
    published: dict[str, float], accepted: dict[str, float], polls: list[re.Match[str]]
) -> list[str]:
    """Print the figures; what went wrong, if anything."""
    latencies = _latencies(published, accepted)
    durations = [float(p.group(4)) for p in polls]
    print(
        f"{len(published)} items on {NORMAL_HOSTS} normal hosts, one host trickling "
        f"({TRICKLE_PAGE_SECONDS} s a page); poll interval {INTERVAL_SECONDS} s, newsmon serve"
    )
    print(f"items told in a message: {len(latencies)}; all messages: {len(accepted)}")
    if latencies:
        values = list(latencies.values())
        median = statistics.median(values)
        verdict = "met" if median <= GOAL_SECONDS else "MISSED"
        print(
            f"latency median {median:.1f} s, max {max(values):.1f} s (goal {GOAL_SECONDS} s: "
            f"{verdict})"
        )
    if durations:
        print(
            f"{len(polls)} polls, {statistics.median(durations):.1f} s median, "
            f"{max(durations):.1f} s max (flow time)"
        )
    problems = [f"never told: {title}" for title in published.keys() - latencies.keys()]
    bad = [p.group(0) for p in polls if p.group(1) != p.group(2) or p.group(3) != "0"]
    problems += [f"poll with failures: {line}" for line in bad]
    if not polls:
        problems.append("no poll summary in the log")
    return problems


def poll_lines(log: Path) -> list[re.Match[str]]:
    if not log.exists():
        return []
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return [m for line in lines if (m := POLL_LINE.search(line))]


def _latencies(published: dict[str, float], accepted: dict[str, float]) -> dict[str, float]:
    """Seconds from each item's appearance to the first message naming it, by title."""
    found = {}
    for title, at in published.items():
        times = [t for text, t in accepted.items() if " ".join(title.split()) in text]
        if times:
            found[title] = min(times) - at
    return found


if __name__ == "__main__":
    main()
