"""Safe page names for wiki titles: a name is a plain slug, so no title can write outside its
service folder whatever it contains (``../``, absolute paths, reserved names, unicode)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Names a page may not take: the service template's own pages, Sphinx's special pages,
# and file names Windows reserves.
RESERVED = {"index", "history", "genindex", "search", "modindex", "py-modindex", "con", "prn",
            "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
MAX_LENGTH = 64


def slugify(text: str) -> str:
    """Lower-case ASCII letters, digits and single hyphens; accents folded, the rest dropped."""
    folded = unicodedata.normalize("NFKD", text)
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:MAX_LENGTH].rstrip("-")


def page_name(stem: str, taken: set[str]) -> str:
    """A unique, safe name for a page whose title (or title part) is ``stem``; adds it to
    ``taken``. Titles with nothing usable get a stable name from their hash."""
    slug = slugify(stem)
    if not slug:
        slug = "page-" + hashlib.sha1(stem.encode("utf-8")).hexdigest()[:8]
    if slug in RESERVED or slug.startswith("apis-"):
        slug = f"{slug}-page"
    name, number = slug, 2
    while name in taken:
        name = f"{slug}-{number}"
        number += 1
    taken.add(name)
    return name
