import pytest

from extractors.stems import azerbaijani_words_outnumber


@pytest.mark.parametrize(
    ("title", "azerbaijani"),
    [
        # tapıntı (a find) is an Azerbaijani headword; Turkish's list lacks it.
        ("Bu tapıntı", True),
        # öndağlıq with its q softened before the ending: öndağlığı.
        ("Yeni öndağlığı", True),
        # Words both languages write alike are evidence for neither.
        ("Bundan sonra", False),
        # A Turkish word beside it (değil; Azerbaijani deyil) outweighs one Azerbaijani word.
        ("Tapıntı değil", False),
        # A word Turkish's list lacks, explained by a Turkish stem as long as the Azerbaijani
        # one (anlayış, with Turkish endings), is no evidence.
        ("Bu anlayışınıza", False),
        # A start of a word that is a headword, followed by no ending, is not the word's stem;
        # nor are endings out of harmony with the stem (kubok takes -u, not -ü).
        ("Bu kubokxyz", False),
        ("Bu kubokü", False),
        ("Bu kuboku", True),
        # A headword that is a Turkish stem with a Turkish ending is Turkish's too.
        ("Bu güldürücü", False),
        # Names: capitalised, or with a Turkish case ending after an apostrophe.
        ("Laçın yolu açıldı", False),
        ("Yolu Laçın'a açıldı", False),
        # A capital I is ı in both languages: Islahat is Turkish ıslahat, not islahat.
        ("Yeni ISLAHAT", False),
        ("Bu Islahat", False),
    ],
)
def test_azerbaijani_stems_and_endings(title: str, azerbaijani: bool) -> None:
    assert azerbaijani_words_outnumber(title) is azerbaijani
