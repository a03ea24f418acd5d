"""Polish stop words: common function words dropped before indexing.

The list is lower-case, NFC, with diacritics. Matching is done by
``wiedza.analysis.is_stopword``: a token with diacritics must match a listed
word exactly; a token typed without any (``sie``) also matches the folded form
of a listed word (``się``).

Because of that second rule a word whose folded form is itself a content
word is deliberately left out, otherwise an undiacritised document word would
be dropped too: ``więc`` (``wiec``, a rally), ``stąd`` (``stad``, herds), ``też``
(``tez``, theses), ``mają`` (``maja``, as in "3 maja") and ``między``
(``miedzy``, of a field balk). The list was checked against the Debian
``wpolish`` word list (4.3 million forms) for such collisions; only ``cię`` ->
``cie`` remains, which is not an everyday word. The reverse ambiguity stays:
an undiacritised query ``zeby`` is taken as ``żeby`` and never as ``zęby``.

The JavaScript copy in ``theme/assets/js/analysis.js`` must stay identical;
``tests/test_analysis_equivalence.py`` checks it.
"""

from __future__ import annotations

# By initial letter, abbreviations last; order does not matter.
_WORDS = """
a aby ale albo ani aż
bardziej bardzo bez bo bowiem by byli bym byś był była było były być będzie będą
chociaż choć ci cię ciebie co coś czy czyli dla do dlaczego dokąd dość dzięki
gdy gdyby gdyż gdzie go
i ich ile im inna inne inny innych iż
ja jak jaka jakaś jaki jakie jakiego jakiej jakim jakich jakiś jakieś jako je jednak
jednakże jego jej jemu jest jestem jesteś jesteśmy jesteście jeszcze jeśli jeżeli już ją
każda każde każdy kiedy kilka kim kto ktoś który która które którego której któremu
którym których którymi którą komu kogo ku
lecz lub
ma mi mimo mną mnie mogą może można mu my mój moja moje mojego mojej moim moich
na nad nam nami nas nasz nasza nasze naszego naszej naszym naszych natomiast nawet nic
nich nie niech niego niej niemu nigdy nim nimi nią niż no
o obok od około on ona one oni ono oraz oto po pod podczas ponad ponieważ poza przed
przede przez przy
sam sama samo się siebie skąd sobie sobą swoje swoich swoim swojej swój swoja swojego
ta tak taka taki takie takiego takiej takich także tam te tego tej temu ten teraz to
tobie tobą toteż trzeba tu tutaj twoja twoje twój tych tylko tym tymi tę tą
u
w we według wiele wśród wszyscy wszystkich wszystkie wszystkim wszystko właśnie wtedy wy
wam wami was wasz wasza wasze więcej
z za zaś ze zatem
że żeby żadna żadne żaden
np itd itp tzw tj r
""".split()

STOPWORDS: frozenset[str] = frozenset(_WORDS)

__all__ = ["STOPWORDS"]
