"""The review page on a real server on 127.0.0.1: what it lists, marks stored and shown after
reload, posts refused without the form's token or from elsewhere, the token for a page others
reach, and `newsmon web` as a process."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from extractors.records import AnalysedArticle
from newsmon.cli import app
from newsmon.settings import Settings, load_settings
from newsmon.store import FetchOutcome, Store
from newsmon.web.guard import BindError
from newsmon.web.run import bind, in_background, review_app
from tests.conftest import command_env, free_port
from tests.newsmon.records import article

TITLE = "Kremlin <script>alert('x')</script> ready & willing"
ESCAPED = "Kremlin &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; ready &amp; willing"
NEAR_TITLE = "Lavrov comments on Tbilisi talks"
runner = CliRunner()


def scored(url: str, score: float, **kwargs: object) -> AnalysedArticle:
    """An article fetched an hour ago, not flagged, with this score."""
    base = article(url, flagged=False, fetched_at=datetime.now(UTC) - timedelta(hours=1))
    assert base.topic is not None
    return replace(base, topic=replace(base.topic, score=score), **kwargs)  # type: ignore[arg-type]


def fill(store: Store) -> None:
    """A story in English and Georgian, a near miss, an article far below the threshold, and
    a source whose last run failed."""
    recent = datetime.now(UTC) - timedelta(hours=2)
    store.save(
        [
            article("https://civil.ge/1", title=TITLE, fetched_at=recent),
            replace(
                article(
                    "https://netgazeti.ge/1",
                    outlet="Netgazeti",
                    title=TITLE,
                    lang="ka",
                    text="რუსეთი მზადაა ურთიერთობების ნორმალიზებისთვის.",
                    fetched_at=recent,
                ),
                # The page gave its day only: stored as midnight UTC.
                published=datetime(2025, 4, 14, tzinfo=UTC),
                published_from="page",
            ),
            scored("https://civil.ge/near", 0.42, title=NEAR_TITLE),
            scored("https://civil.ge/far", 0.05, title="Wine exports reach a record"),
        ],
        ["desk@x.org"],
    )
    outcome = FetchOutcome("tass-en", "run1", recent, 10, "error", 503, "HTTP 503 <b>down</b>")
    store.record_fetch(outcome, "TASS", "https://tass.com/rss/v2.xml")


def web_settings(home: Path, database: str = "", token: str = "") -> Settings:
    settings = load_settings(environ={"NEWSMON_HOME": str(home)})
    return replace(settings, database_url=database, web_token=token)


@dataclass
class Page:
    url: str
    store: Store
    client: httpx.Client

    def form_token(self) -> str:
        found = re.search(r'name="csrf" value="([0-9a-f]{64})"', self.client.get(self.url).text)
        assert found, "the page has no form token"
        return found.group(1)

    def post(self, path: str, body: str, **headers: str) -> httpx.Response:
        return self.client.post(
            self.url.rstrip("/") + path,
            content=body,
            headers={"content-type": "application/x-www-form-urlencoded", **headers},
        )


@contextmanager
def serving(settings: Settings) -> Iterator[Page]:
    store = Store(settings.database)
    fill(store)
    sock = bind("127.0.0.1", 0, settings.web_token)
    with in_background(review_app(settings), sock) as url, httpx.Client() as client:
        yield Page(url, store, client)


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Page]:
    with serving(web_settings(tmp_path)) as served:
        yield served


def origin(page: Page) -> str:
    return page.url.rstrip("/")


def test_page_lists_stories_near_misses_sources_and_chart(page: Page) -> None:
    html = page.client.get(page.url).text
    story = html[html.index("<h2>Stories (1)</h2>") : html.index("<h2>Near misses")]
    assert ESCAPED in story and "<script>" not in html
    assert "score 0.930 · flagged · languages English, Georgian" in story
    assert '<a href="https://civil.ge/1" rel="noreferrer">' in story
    assert "Netgazeti (Georgian)" in story and '<a href="https://netgazeti.ge/1"' in story
    # A day given alone is shown as a day; a time given is shown in UTC.
    assert "2025-04-14 (no time given)" in story and "2025-04-14 00:00" not in story
    assert "2025-04-15 08:18 UTC" in story
    assert "Passage: <q>Peskov said Russia is ready.</q>" in story
    assert "Evidence for: kremlin, georgia, normalize; against: none" in story
    near = html[html.index("<h2>Near misses (1)") : html.index("<h2>Sources")]
    assert "score from 0.35 to 0.50" in near and NEAR_TITLE in near and "0.420" in near
    assert "Wine exports" not in html
    assert "HTTP 503 &lt;b&gt;down&lt;/b&gt;" in html and "<b>down" not in html
    chart = html[html.index('<svg id="chart"') : html.index("</svg>")]
    assert chart.count("<rect") == 2 and ": 1</title>" in chart and " Georgian: 1" in chart
    # Nothing from elsewhere: no script, stylesheet or font to fetch.
    assert "<script" not in html and "<link" not in html and "@import" not in html


def test_a_story_s_heading_links_to_the_copy_it_is_told_by(tmp_path: Path) -> None:
    """The first copy stored scored lower: the heading, like the passage, is the best
    scored copy's, and so is its link."""
    store = Store(web_settings(tmp_path).database)
    recent = datetime.now(UTC) - timedelta(hours=2)
    first = article("https://civil.ge/2", title="Talks in Prague", fetched_at=recent)
    best = article("https://tass.com/2", title="Talks in Prague", outlet="TASS", fetched_at=recent)
    assert first.topic is not None and best.topic is not None
    best = replace(best, topic=replace(best.topic, score=0.99, passage="Karasin met Abashidze."))
    store.save([first, best], ["desk@x.org"])
    with in_background(review_app(web_settings(tmp_path)), bind("127.0.0.1", 0, "")) as url:
        html = httpx.get(url).text
    assert '<h3><a href="https://tass.com/2" rel="noreferrer">Talks in Prague</a></h3>' in html
    assert "Karasin met Abashidze." in html


def test_filters_by_language_source_and_date(page: Page) -> None:
    ka = page.client.get(page.url, params={"lang": "ka"}).text
    assert "<h2>Stories (1)</h2>" in ka and "Near misses (0)" in ka
    assert '<option value="ka" selected>Georgian</option>' in ka
    other = page.client.get(page.url, params={"source": "tass-en"}).text
    assert "<h2>Stories (0)</h2>" in other and NEAR_TITLE not in other
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    later = page.client.get(page.url, params={"since": tomorrow, "until": tomorrow}).text
    assert "<h2>Stories (0)</h2>" in later and f"{tomorrow} to {tomorrow}" in later
    only_since = page.client.get(page.url, params={"since": tomorrow}).text
    assert f"{tomorrow} to {tomorrow}" in only_since
    bad = page.client.get(page.url, params={"since": "yesterday"})
    assert bad.status_code == 400 and "expected a date as YYYY-MM-DD" in bad.text


@pytest.mark.usefixtures("database_url")
def test_a_mark_is_stored_for_the_story_and_shown_after_reload(
    tmp_path: Path, database_url: str
) -> None:
    with serving(web_settings(tmp_path, database_url)) as page:
        token = page.form_token()
        [story_id] = re.findall(r'id="item-(\d+)"', page.client.get(page.url).text)[:1]
        answer = page.post(
            "/mark",
            f"csrf={token}&article={story_id}&verdict=wrong&back=lang%3Dka",
            origin=origin(page),
        )
        assert answer.status_code == 303 and answer.headers["location"] == (
            f"/?lang=ka#item-{story_id}"
        )
        marks = page.store.latest_labels()
        assert len(marks) == 2  # both outlets' articles of the story
        assert {(m.verdict, m.relevant, m.who) for m in marks.values()} == {
            ("wrong", False, _os_user())
        }
        html = page.client.get(page.url).text
        assert f"Marked wrong by {_os_user()} at " in html


def _os_user() -> str:
    import getpass

    return getpass.getuser()


def test_a_near_miss_marked_wrong_is_relevant_and_the_editor_is_named(page: Page) -> None:
    token = page.form_token()
    named = page.post("/editor", f"csrf={token}&who=Nino+%3Ci%3EB%3C%2Fi%3E", origin=origin(page))
    assert named.status_code == 303
    html = page.client.get(page.url).text
    near_id = re.findall(r'id="item-(\d+)"', html)[1]
    marked = page.post("/mark", f"csrf={token}&article={near_id}&verdict=wrong", referer=page.url)
    assert marked.status_code == 303
    [mark] = page.store.latest_labels().values()
    assert (mark.relevant, mark.who) == (True, "Nino <i>B</i>")
    assert "Marked wrong by Nino &lt;i&gt;B&lt;/i&gt; at" in page.client.get(page.url).text


def test_posts_without_the_form_token_or_from_elsewhere_are_refused(page: Page) -> None:
    token = page.form_token()
    body = f"csrf={token}&article=1&verdict=wrong"
    refused = [
        page.post("/mark", "article=1&verdict=wrong", origin=origin(page)),
        page.post("/mark", f"csrf={'0' * 64}&article=1&verdict=wrong", origin=origin(page)),
        page.post("/mark", body, origin="http://evil.example"),
        page.post("/mark", body, referer="http://evil.example/page"),
        page.post("/mark", body),  # neither Origin nor Referer
        page.post("/editor", f"csrf={token}&who=Mallory", origin="http://evil.example"),
    ]
    assert [r.status_code for r in refused] == [403] * 6
    # A token is only good with the cookie it was made for.
    with httpx.Client() as stranger:
        other = stranger.post(
            page.url + "mark",
            content=body,
            headers={"content-type": "application/x-www-form-urlencoded", "origin": origin(page)},
        )
    assert other.status_code == 403
    assert page.store.latest_labels() == {}
    assert "Mallory" not in page.client.get(page.url).text


def test_without_a_token_only_this_machine_s_names_are_answered(page: Page) -> None:
    """A site an attacker points at 127.0.0.1 (DNS rebinding) gets neither the page nor a
    mark, though its Origin and Host agree; 127.0.0.1 and localhost are answered."""
    port = page.url.split(":")[2].rstrip("/")
    evil = f"evil.example:{port}"
    assert page.client.get(page.url, headers={"host": evil}).status_code == 403
    token = page.form_token()
    forged = page.post(
        "/mark", f"csrf={token}&article=1&verdict=wrong", host=evil, origin=f"http://{evil}"
    )
    assert forged.status_code == 403 and page.store.latest_labels() == {}
    for name in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost"):
        assert page.client.get(page.url, headers={"host": name}).status_code == 200


def test_bad_marks_are_refused(page: Page) -> None:
    token = page.form_token()
    for body, status in [
        (f"csrf={token}&article=1&verdict=maybe", 400),
        (f"csrf={token}&article=x&verdict=wrong", 400),
        (f"csrf={token}&article=999&verdict=wrong", 404),
    ]:
        assert page.post("/mark", body, origin=origin(page)).status_code == status
    assert page.store.latest_labels() == {}


def test_a_token_is_asked_of_every_request_when_set(tmp_path: Path) -> None:
    with serving(web_settings(tmp_path, token="s3cret")) as page:
        assert page.client.get(page.url).status_code == 401
        assert page.client.get(page.url, params={"token": "wrong"}).status_code == 401
        # With a token, any name the page is reached by will do (a proxy's, say).
        proxied = {"authorization": "Bearer s3cret", "host": "desk.example"}
        assert page.client.get(page.url, headers=proxied).status_code == 200
        bearer = page.client.get(page.url, headers={"authorization": "Bearer s3cret"})
        assert bearer.status_code == 200 and "<h2>Stories (1)</h2>" in bearer.text
        assert page.client.cookies.get("newsmon_login") is None
        login = page.client.get(page.url, params={"token": "s3cret", "lang": "ka"})
        assert login.status_code == 303 and login.headers["location"] == "/?lang=ka"
        cookie = login.headers["set-cookie"].lower()
        assert "s3cret" not in cookie and "httponly" in cookie and "samesite=lax" in cookie
        assert page.client.get(page.url).status_code == 200
        # With a token, marks need a name: nobody is the OS user.
        token = page.form_token()
        unnamed = page.post("/mark", f"csrf={token}&article=1&verdict=right", origin=origin(page))
        assert unnamed.status_code == 400 and page.store.latest_labels() == {}


def test_binding_beyond_this_machine_needs_a_token_and_a_free_port() -> None:
    with pytest.raises(BindError, match="needs a token: set NEWSMON_WEB_TOKEN"):
        bind("0.0.0.0", 0, "")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(BindError, match=f"127.0.0.1:{port}: port in use"):
            bind("127.0.0.1", port, "")


def test_web_on_a_home_where_nothing_ran_makes_no_store(home: Path) -> None:
    result = runner.invoke(app, ["web", "--port", str(free_port())])
    assert result.exit_code == 1
    assert result.stderr == (
        f"newsmon: no store at {home / 'newsmon.db'}: nothing has run with this home yet\n"
    )
    assert not home.exists()


def test_web_command_errors_are_one_line(
    home: Path, empty_store: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    wide = runner.invoke(app, ["web", "--host", "0.0.0.0", "--port", str(free_port())])
    assert wide.exit_code == 2
    assert wide.stderr.count("\n") == 1 and "needs a token" in wide.stderr
    bad = runner.invoke(app, ["web", "--port", "70000"])
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1 and "--port" in bad.stderr
    demo = runner.invoke(app, ["web", "--demo"])
    assert demo.exit_code == 1 and "run `newsmon demo` first" in demo.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = runner.invoke(app, ["web", "--port", str(port)])
    assert busy.exit_code == 1 and busy.stderr.count("\n") == 1 and "port in use" in busy.stderr
    monkeypatch.setenv("NEWSMON_WEB_NEAR_MISS_BAND", "0.6")
    wide_band = runner.invoke(app, ["web"])
    assert wide_band.exit_code == 2 and "web_near_miss_band: expected" in wide_band.stderr


def test_a_page_beyond_this_machine_without_a_token_starts_nothing(tmp_path: Path) -> None:
    """Refused before anything is read or started, by `web` (on a home with no store yet)
    and by `serve` (which would start its Prefect server first): exit 2, one line."""
    env = command_env(tmp_path / "home", NEWSMON_WEB_HOST="0.0.0.0")
    for command in (["web"], ["serve"]):
        result = subprocess.run(
            [sys.executable, "-m", "newsmon.cli", *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 2, result.stderr
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1 and "needs a token" in result.stderr
    assert not (tmp_path / "home" / "prefect").exists()


@pytest.mark.parametrize(
    ("signum", "code", "line"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "stopped by SIGTERM")],
)
def test_newsmon_web_serves_the_demo_store_until_ctrl_c(
    tmp_path: Path, signum: int, code: int, line: str
) -> None:
    """`newsmon demo` leaves its store under NEWSMON_HOME/demo; `newsmon web --demo` shows it
    until Ctrl-C or SIGTERM, each said in one line."""
    home = tmp_path / "home"
    fill(Store(load_settings(environ={"NEWSMON_HOME": str(home / "demo")}).database))
    port = free_port()
    command = ["web", "--demo", "--port", str(port)]
    html, err, exit_code = _page_then_stop(command, command_env(home), port, signum)
    assert ESCAPED in html and "<h2>Stories (1)</h2>" in html
    assert exit_code == code and err.strip() == f"newsmon: {line}", err


def _page_then_stop(
    command: list[str], env: dict[str, str], port: int, signum: int
) -> tuple[str, str, int]:
    """Start `newsmon COMMAND`, wait for its review page, then stop it with ``signum``: the
    page, what it wrote to stderr, its exit code."""
    url = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen(
        [sys.executable, "-m", "newsmon.cli", *command],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        html = _wait_for_page(url, timeout=120)
    finally:
        process.send_signal(signum)
        out, err = process.communicate(timeout=30)
    assert f"review page at {url}" in out.decode(), err.decode()
    return html, err.decode(), process.returncode


def _wait_for_page(url: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return httpx.get(url).raise_for_status().text
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_serve_shows_the_page_beside_its_polls_and_takes_it_down(tmp_path: Path) -> None:
    home = tmp_path / "home"
    fill(Store(load_settings(environ={"NEWSMON_HOME": str(home)}).database))
    config = tmp_path / "c.toml"
    config.write_text(
        '[[sources]]\nname = "off"\noutlet = "Off"\nkind = "feed"\n'
        'url = "http://127.0.0.1:9/feed"\nenabled = false\n',
        encoding="utf-8",
    )
    port = free_port()
    env = command_env(home, NEWSMON_WEB_PORT=str(port), NEWSMON_INTERVAL_SECONDS="3600")
    command = ["serve", "--config", str(config)]
    html, err, code = _page_then_stop(command, env, port, signal.SIGTERM)
    assert ESCAPED in html and "<td>off</td>" in html
    assert code == 143, err
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/")
