"""ASCII slugs for URLs and heading anchors (Polish letters transliterated, so they can be typed)."""
from __future__ import annotations

import re
import unicodedata

POLISH = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


def safe_slug(name: str, separator: str = "-") -> str:
    name = unicodedata.normalize("NFKD", name.translate(POLISH))
    name = "".join(c for c in name if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", separator, name).strip(separator) or "bez-nazwy"
