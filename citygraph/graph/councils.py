"""Recognising a council in the free-text buyer names of procurement notices.

Names are normalised (case, punctuation, "&" → "and"), then the usual council affixes are peeled off
("London Borough of …", "… City Council") and the rest must equal a council's own name exactly. Exact
matching, not substring matching, is what keeps "Merton College" and "Richmond Housing Partnership" apart
from Merton and Richmond upon Thames.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Longest first, so that "london borough council" is peeled off before "council".
PREFIXES = (
    "the",
    "london borough of",
    "royal borough of",
    "borough of",
    "lb of",
    "lb",
    "l b of",
    "l b",
    "lbo",
    "rb",
    "city of",
    "council of the",
)
SUFFIXES = (
    "london borough council",
    "borough council",
    "city council",
    "council",
    "corporation",
    "london borough",
)

# Other names in common use that no affix rule derives from a council's name. Keyed by GSS code.
ALIASES: dict[str, tuple[str, ...]] = {
    "E09000001": ("corporation of london", "city of london corporation", "city of london"),
    "E09000013": ("lbhf",),
    "E09000020": ("rbkc",),
    "E09000021": ("kingston",),
    "E09000027": ("richmond",),
}


def normalise(name: str) -> str:
    """Lower case ASCII words separated by single spaces; "&" becomes "and"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    text = text.replace("&", " and ").replace("'", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _strip(words: str, affixes: Iterable[str], prefix: bool) -> str | None:
    for affix in affixes:
        if prefix and words.startswith(affix + " "):
            return words[len(affix) + 1 :]
        if not prefix and words.endswith(" " + affix):
            return words[: -len(affix) - 1]
    return None


def candidates(name: str) -> list[str]:
    """The normalised name and every form left after peeling affixes off it, most specific first."""
    forms = [normalise(name)]
    for form in forms:  # grows while we iterate: each stripped form is stripped again
        for prefix in (True, False):
            stripped = _strip(form, PREFIXES if prefix else SUFFIXES, prefix)
            if stripped and stripped not in forms:
                forms.append(stripped)
    return forms


@dataclass(frozen=True)
class Council:
    code: str
    name: str
    official_name: str | None = None


class CouncilMatcher:
    """Maps buyer names to council codes, from the councils (Borough nodes) the graph knows."""

    def __init__(self, councils: Iterable[Council]):
        self._keys: dict[str, str] = {}
        for council in councils:
            names = [council.name, council.official_name or "", *ALIASES.get(council.code, ())]
            for name in filter(None, names):
                for key in candidates(name):
                    # An affix-only remainder ("london") must not become a key of the City of London.
                    if key and key not in ("london", "city"):
                        self._keys.setdefault(key, council.code)

    def match(self, buyer_name: str | None) -> str | None:
        """The GSS code of the council `buyer_name` names, or None."""
        if not buyer_name:
            return None
        for form in candidates(buyer_name):
            if form in self._keys:
                return self._keys[form]
        return None
