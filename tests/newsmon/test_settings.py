from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsmon.settings import SHIPPED_CONFIG, ConfigError, load_settings


def test_shipped_defaults(tmp_path: Path) -> None:
    settings = load_settings(environ={"NEWSMON_HOME": str(tmp_path)})
    assert settings.database == f"sqlite:///{tmp_path / 'newsmon.db'}"
    assert settings.outbox_dir == tmp_path / "outbox"
    assert settings.smtp_url == ""
    assert settings.topic_file.is_file() and settings.classifier_file.is_file()
    names = {s.name for s in settings.sources}
    assert {"civil-ge-en", "sada-elbalad-en", "tass-ru", "netgazeti-ka"} <= names
    assert {s.kind for s in settings.sources} == {"feed", "listing"}


def test_user_file_then_environment_override(tmp_path: Path) -> None:
    user = tmp_path / "mine.toml"
    user.write_text(
        '[topic]\nthreshold = 0.7\n[alerts]\nalert_to = ["a@x.org"]\n'
        '[[sources]]\nname = "one"\noutlet = "One"\nkind = "feed"\n'
        'url = "http://127.0.0.1:1/feed"\n'
    )
    settings = load_settings(
        user,
        {
            "NEWSMON_HOME": str(tmp_path),
            "NEWSMON_THRESHOLD": "0.6",
            "NEWSMON_ALERT_TO": "b@x.org, c@x.org",
            "NEWSMON_SMTP_URL": "smtp://127.0.0.1:8025",
            "NEWSMON_SMTP_PASSWORD": "s3cret",
        },
    )
    assert settings.threshold == 0.6
    assert settings.alert_to == ("b@x.org", "c@x.org")
    assert [s.name for s in settings.sources] == ["one"]
    assert settings.smtp_password == "s3cret" and "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[topic]\nthreshold = 'high'\n", "threshold: must be a finite number"),
        ("[topic]\nthreshhold = 0.5\n", "[topic] threshhold: unknown key"),
        ("[alerts]\nsmtp_password = 'x'\n", "secrets come only from the environment"),
        (
            "[store]\ndatabase_url = 'postgresql+psycopg://desk:pw@db/newsmon'\n",
            "a password does not belong in a config file; set NEWSMON_DATABASE_URL",
        ),
        ("[alerts]\nsmtp_url = 'smtp://desk:pw@mail:587'\n", "or NEWSMON_SMTP_PASSWORD"),
        ("[[sources]]\nname = 'a'\noutlet = 'A'\nkind = 'rss'\nurl = 'http://a'\n", "kind"),
        ("[[sources]]\nname = 'a'\nkind = 'feed'\nurl = 'http://a'\n", "outlet: required"),
        # A source's address is checked when the file is read, not at its first fetch.
        ("[[sources]]\nname = 'a'\noutlet = 'A'\nkind = 'feed'\nurl = 'a.ge/rss'\n", "url: "),
        ("[[sources]]\nname = 'a'\noutlet = 'A'\nkind = 'feed'\nurl = 'ftp://a.ge'\n", "url: "),
        ("[[sources]]\nname = 'a'\noutlet = 'A'\nkind = 'feed'\nurl = 'http://'\n", "url: "),
        ("not toml [", "not valid TOML"),
        ("threshold = 0.6\n", "threshold: belongs under [topic]"),
        ("nosuchkey = 3\n", "nosuchkey: unknown key (settings go under a [section])"),
        ("[nosuch]\nkey = 3\n", "[nosuch]: unknown section"),
        ("[topic]\nmodel = '/nonexistent/model'\n", "model: /nonexistent/model: no such dir"),
        # Values out of range name the file that set them, as wrong types do.
        ("[topic]\nthreshold = 7\n", "threshold: expected a number between 0 and 1"),
        ("[schedule]\ninterval_seconds = -5\n", "interval_seconds: must be a whole number, 1 or"),
        ("[schedule]\ninterval_seconds = 0\n", "interval_seconds: expected more than 0"),
        ("[fetch]\ntimeout_seconds = -1.0\n", "timeout_seconds: expected more than 0"),
        ("[fetch]\nmax_workers = -2\n", "max_workers: must be a whole number, 1 or more"),
        ("[fetch]\nmax_workers = 0\n", "max_workers: expected more than 0"),
        # Checked against the shipped near-miss band: the file that set the threshold.
        ("[topic]\nthreshold = 0.1\n", "web_near_miss_band: expected a number from 0"),
        ("[fetch]\nhost_delay_seconds = -1\n", "host_delay_seconds: expected 0 or more"),
    ],
)
def test_wrong_config_names_key_and_file(tmp_path: Path, content: str, message: str) -> None:
    user = tmp_path / "bad.toml"
    user.write_text(content)
    with pytest.raises(ConfigError) as error:
        load_settings(user, {"NEWSMON_HOME": str(tmp_path)})
    assert message in str(error.value) and str(user) in str(error.value)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("NEWSMON_ALLOWED_NETWORKS", "intranet", "'intranet' is not an address or network"),
        ("NEWSMON_TASK_RUNNER", "spark", "task_runner: expected one of"),
        ("NEWSMON_BACKFILL_BATCH", "0", "backfill_batch: expected more than 0"),
        ("NEWSMON_BACKFILL_BATCH", "-1", "backfill_batch: must be a whole number, 1 or more"),
        ("NEWSMON_ALERT_TO", "desk", "alert_to: 'desk' is not an email address (name@host)"),
        ("NEWSMON_ADMIN_TO", "a@b,@c", "admin_to: '@c' is not an email address (name@host)"),
        ("NEWSMON_ALERT_HOLD_SECONDS", "-1", "alert_hold_seconds: expected 0 to 3600"),
        ("NEWSMON_ALERT_HOLD_SECONDS", "1e12", "alert_hold_seconds: expected 0 to 3600"),
        ("NEWSMON_ALERT_HOLD_SECONDS", "inf", "alert_hold_seconds: must be a finite number"),
        ("NEWSMON_TIMEOUT_SECONDS", "nan", "timeout_seconds: must be a finite number"),
        # Files and the store are checked when the settings are read, not when first used.
        ("NEWSMON_SMTP_CA_FILE", "/nonexistent/ca.pem", "smtp_ca_file: /nonexistent/ca.pem"),
        ("NEWSMON_DATABASE_URL", "notaurl", "database_url: not a database URL"),
        (
            "NEWSMON_DATABASE_URL",
            "postgres://desk:pw@db/newsmon",
            "database_url: postgres://desk:***@db/newsmon: no database kind 'postgres'",
        ),
        ("NEWSMON_DATABASE_URL", "mysql://desk@db/newsmon", "its driver is not installed"),
        ("NEWSMON_DATABASE_URL", "sqlite:////nonexistent/x.db", "no folder /nonexistent"),
    ],
)
def test_wrong_scale_and_network_values(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(environ={"NEWSMON_HOME": str(tmp_path), variable: value})


def test_a_check_of_two_settings_names_the_one_the_user_set(tmp_path: Path) -> None:
    environ = {"NEWSMON_HOME": str(tmp_path), "NEWSMON_DIGEST_TIMEZONE": "Mars/Base"}
    with pytest.raises(ConfigError) as error:
        load_settings(environ=environ)
    assert str(error.value).startswith("environment variable NEWSMON_DIGEST_TIMEZONE: ")


def test_zero_is_no_wait(tmp_path: Path) -> None:
    environ = {"NEWSMON_HOME": str(tmp_path), "NEWSMON_LOCK_TIMEOUT_SECONDS": "0"}
    assert load_settings(environ=environ).lock_timeout_seconds == 0


def test_wrong_environment_value_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="NEWSMON_MAX_WORKERS"):
        load_settings(environ={"NEWSMON_HOME": str(tmp_path), "NEWSMON_MAX_WORKERS": "many"})


def test_shipped_config_has_no_secrets() -> None:
    assert not re.search(r"(?im)^\s*\w*(password|secret|token)\w*\s*=", SHIPPED_CONFIG.read_text())


def test_a_misspelt_variable_is_refused_and_another_tools_is_left(tmp_path: Path) -> None:
    environ = {"NEWSMON_HOME": str(tmp_path), "NEWSMON_THRESHOLDD": "0.4"}
    with pytest.raises(ConfigError) as error:
        load_settings(environ=environ)
    assert str(error.value) == (
        "environment variable NEWSMON_THRESHOLDD: no such setting; NEWSMON_THRESHOLD?"
    )
    other = {"NEWSMON_HOME": str(tmp_path), "NEWSMON_TEST_POSTGRES_URL": "postgresql://x/y"}
    assert load_settings(environ=other).home == tmp_path


def test_a_store_in_an_existing_folder_the_home_or_on_a_server_is_taken(tmp_path: Path) -> None:
    home = tmp_path / "home"  # made by newsmon when it first writes there
    for url in (
        f"sqlite:///{tmp_path}/desk.db",
        f"sqlite:///{home}/stores/desk.db",
        "postgresql+psycopg://desk@db/newsmon",
    ):
        environ = {"NEWSMON_HOME": str(home), "NEWSMON_DATABASE_URL": url}
        assert load_settings(environ=environ).database == url
