import pytest

from extractors.stems import azerbaijani_words_outnumber


@pytest.mark.parametrize(
    ("words", "azerbaijani"),
    [
        # tapıntı (a find) is an Azerbaijani headword; Turkish's list lacks it.
        (["bu", "tapıntı"], True),
        # öndağlıq with its q softened before the ending: öndağlığı.
        (["öndağlığı"], True),
        # Words both languages write alike are evidence for neither.
        (["bundan", "sonra"], False),
        # A Turkish word beside it (değil; Azerbaijani deyil) outweighs one Azerbaijani word.
        (["değil", "tapıntı"], False),
        # A word Turkish's list lacks, explained by a Turkish stem as long as the Azerbaijani
        # one (anlayış, with Turkish endings), is no evidence.
        (["anlayışınıza"], False),
        # A start of a word that is a headword, followed by no ending, is not the word's stem.
        (["sinifxyz"], False),
    ],
)
def test_azerbaijani_stems_and_endings(words: list[str], azerbaijani: bool) -> None:
    assert azerbaijani_words_outnumber(words) is azerbaijani
