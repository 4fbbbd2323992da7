"""Word frequencies of free-text answers: Unicode words, lower-cased, without the most
common function words of Kazakh, Russian and English. Pure: no Django."""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

TOP_WORDS = 50
# A run of letters and digits holding at least one letter: "5g" is a word, "2026" is not.
WORD = re.compile(r"[^\W_]*[^\W\d_][^\W_]*")
STOP_WORDS = {
    "en": frozenset(
        "a an and are as at be but by for from has have i in is it its me my no not of on or "
        "so that the their there they this to was we were what which who will with you your".split()
    ),
    "ru": frozenset(
        "а без бы в во вот все да для до его ее её если же за и из или им их к как ко когда ли "
        "мне мы на над не нет но о об он она они оно от по под при с со так также то только у "
        "уже что чтобы это я".split()
    ),
    "kk": frozenset(
        "және мен да де та те бұл ол осы үшін емес жоқ бар деп бір сол ма ме ба бе па пе не "
        "біз сіз олар оның біздің өте тек немесе бірақ егер ғана ал еді екен болып болады "
        "кейін дейін".split()
    ),
}


@dataclass(frozen=True)
class WordCount:
    word: str
    count: int  # how many times it occurs in all the answers


def words_of(text: str) -> list[str]:
    """The words of a text, lower-cased, in order."""
    return WORD.findall(text.lower())


def word_frequencies(
    texts: Iterable[str], languages: Iterable[str], top: int = TOP_WORDS
) -> list[WordCount]:
    """The ``top`` most frequent words of the texts, most frequent first (ties in alphabetical
    order), leaving out the stop words of ``languages``."""
    stop = frozenset().union(*(STOP_WORDS.get(language, frozenset()) for language in languages))
    counts = Counter(word for text in texts for word in words_of(text) if word not in stop)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [WordCount(word, count) for word, count in ranked[:top]]
