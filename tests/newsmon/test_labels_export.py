"""`newsmon labels export`: the desk's marks as the labelled lines `newsmon train` reads, and
the round trip through training beside the shipped examples."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from newsmon.classifier import trained_examples
from newsmon.cli import app
from newsmon.labels import read_labelled, split
from newsmon.settings import load_settings
from newsmon.store import Store
from tests.conftest import ROOT
from tests.newsmon.test_web import NEAR_TITLE, TITLE, fill

runner = CliRunner()


def _marked() -> Store:
    """The story marked wrong (both its articles), then the near miss marked right and then
    wrong: the latest mark counts."""
    store = Store(load_settings().database)
    fill(store)
    rows = {row.title: row for row in store.articles()}
    assert store.mark(rows[TITLE].id, "wrong", "Nino") == 2
    near = rows[NEAR_TITLE].id
    assert store.mark(near, "right", "Nino") == 1
    assert store.mark(near, "wrong", "Giorgi") == 1
    return store


def test_export_writes_the_latest_mark_of_each_article(tmp_path: Path, home: Path) -> None:
    _marked()
    output = tmp_path / "desk.jsonl"
    result = runner.invoke(app, ["labels", "export", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"3 labelled examples written to {output}\n"
    lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    by_title = {(line["title"], line["lang"]): line for line in lines}
    story_en, story_ka = by_title[(TITLE, "en")], by_title[(TITLE, "ka")]
    near = by_title[(NEAR_TITLE, "en")]
    # A flag marked wrong is not about the topic; a miss marked wrong is.
    assert (story_en["label"], story_ka["label"], near["label"]) == (0, 0, 1)
    assert (near["verdict"], near["who"], near["kind"]) == ("wrong", "Giorgi", "desk")
    assert story_en["source"] == "civil-ge-en" and story_en["date"] == "2025-04-15"
    assert story_ka["text"].startswith("რუსეთი")

    examples = read_labelled(output)
    assert [e.label for e in examples] == [line["label"] == 1 for line in lines]
    assert {e.group for e in examples} == {"civil-ge-en:2025"}
    assert sum(map(len, split(examples))) == 3
    # To stdout without --output, the same lines.
    printed = runner.invoke(app, ["labels", "export"])
    assert printed.exit_code == 0 and printed.stdout == output.read_text(encoding="utf-8")


def test_nothing_marked_exports_nothing_and_a_bad_output_is_one_line(
    tmp_path: Path, home: Path, empty_store: None
) -> None:
    empty = runner.invoke(app, ["labels", "export"])
    assert empty.exit_code == 0 and empty.stdout == ""
    assert empty.stderr == "0 labelled examples\n"
    missing = runner.invoke(app, ["labels", "export", "--output", str(tmp_path / "no" / "x")])
    assert missing.exit_code == 2 and missing.stderr.startswith("newsmon: cannot write ")
    assert missing.stderr.count("\n") == 1
    folder = runner.invoke(app, ["labels", "export", "--output", str(tmp_path)])
    assert folder.exit_code == 2 and folder.stderr == (
        f"newsmon: --output {tmp_path}: is a folder; name a file\n"
    )


def test_train_reads_the_export_beside_the_shipped_examples(tmp_path: Path, home: Path) -> None:
    _marked()
    desk = tmp_path / "desk.jsonl"
    assert runner.invoke(app, ["labels", "export", "--output", str(desk)]).exit_code == 0
    seeds = ROOT / "seeds" / "labels.jsonl"
    shipped = sum(e.label is not None for e in read_labelled(seeds))
    head = tmp_path / "head.json"
    trained = runner.invoke(
        app,
        ["train", "--labels", str(seeds), "--labels", str(desk), "--output", str(head)],
    )
    assert trained.exit_code == 0, trained.output
    assert f"trained on {shipped + 3} examples; saved {head}" in trained.stdout
    # Fewer than half the examples of the head in use: said, with the way to train on both.
    in_use = trained_examples(load_settings().classifier_file)
    assert in_use is not None and in_use > 2 * (shipped + 3)
    assert f"the head in use was trained on {in_use} examples, this one on {shipped + 3}" in (
        trained.stderr
    )
    # Replacing the head in use (--output names it) is compared with it as it was; once the
    # smaller head is the one in use, training on the same data again says nothing of it.
    in_use_file = tmp_path / "in-use.json"
    in_use_file.write_bytes(load_settings().classifier_file.read_bytes())
    replace = ["train", "--labels", str(seeds), "--labels", str(desk), "--output", str(in_use_file)]
    for warned in (True, False):
        again = runner.invoke(app, replace, env={"NEWSMON_CLASSIFIER_FILE": str(in_use_file)})
        assert again.exit_code == 0 and ("the head in use" in again.stderr) == warned
    saved = json.loads(head.read_text(encoding="utf-8"))
    assert "desk.jsonl" in saved["trained_on"]["files"]
    # The leads' centroids stories are compared by: of all languages and of the shipped
    # examples' languages with ten positives or more.
    assert {"", "en", "ru", "ka"} <= saved["centroids"].keys()
