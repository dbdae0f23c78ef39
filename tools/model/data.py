"""The knowledge base's data files (``source/_data/*.yml``), read in one place.

:func:`load_data` returns a :class:`KBData` with every registry the wings
need: audiences, age bands, the concept list, Chinese guidance, the
bibliography, the facts registry, terms, case-study topics and editions.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import yamlio

DATA_DIR = Path("source") / "_data"


@dataclass(frozen=True)
class Audience:
    id: str
    name: str
    description: str
    role: str  # learner | educator | adult
    age_band: str | None
    formats: tuple[str, ...]
    page_size: str

    @property
    def is_educator(self) -> bool:
        return self.role == "educator"


@dataclass(frozen=True)
class Fact:
    """One figure in the facts registry.

    ``as_of`` is a year or date, or ``None`` when the source drops the year;
    ``conflicts`` lists other values that other copies of the source give.
    """

    id: str
    value: Any
    unit: str
    label: str
    source: str | None
    locator: str
    as_of: str | None
    review_by: str | None
    note: str
    conflicts: tuple[dict, ...]
    line: int

    def display(self) -> str:
        value = f"{self.value:,}" if isinstance(self.value, int) and self.value >= 10000 else str(self.value)
        if not self.unit:
            return value
        sep = "" if self.unit in ("%", "‰") else " "
        return f"{value}{sep}{self.unit}"


@dataclass(frozen=True)
class Helpline:
    """One national help line of ``helplines.yml``: the number is the value of
    the fact ``fact`` in the facts registry (with its source and review date),
    so a number is corrected in one place."""

    fact: str
    name: str
    when: str
    line: int


@dataclass(frozen=True)
class LocalHelpline:
    """The one line of a help box each school fills in for its own service."""

    name: str
    note: str


@dataclass(frozen=True)
class Term:
    term: str
    definition: str
    historical: bool
    deprecated: tuple[dict, ...]
    line: int


@dataclass
class KBData:
    root: Path
    audiences: dict[str, Audience] = field(default_factory=dict)
    age_bands: dict[str, dict] = field(default_factory=dict)
    key_concepts: dict[str, dict] = field(default_factory=dict)
    topics: dict[str, dict] = field(default_factory=dict)  # "6.3" -> {..., concept}
    guidance: dict[str, dict] = field(default_factory=dict)
    bibliography: dict[str, dict] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)
    terms: dict[str, Term] = field(default_factory=dict)
    case_topics: dict[str, dict] = field(default_factory=dict)
    helplines: list[Helpline] = field(default_factory=list)
    local_helpline: LocalHelpline | None = None
    lines: dict[tuple[str, str], int] = field(default_factory=dict)

    def helpline_numbers(self) -> list[tuple[Helpline, Fact | None]]:
        """The national help lines in print order, each with the fact holding
        its number (``None`` when ``helplines.yml`` names an unknown fact)."""
        return [(h, self.facts.get(h.fact)) for h in self.helplines]

    def data_path(self, name: str) -> Path:
        return self.root / DATA_DIR / name


def _read(root: Path, name: str) -> yamlio.YamlDoc:
    path = root / DATA_DIR / name
    if not path.exists():
        return yamlio.YamlDoc({}, None)
    return yamlio.load_file(path)


def _str(value) -> str | None:
    return None if value is None else str(value)


def load_data(root: str | Path) -> KBData:
    """Read every data file under ``root/source/_data``. Cached per root."""
    return _load_data(Path(root).resolve())


@functools.lru_cache(maxsize=8)
def _load_data(root: Path) -> KBData:
    kb = KBData(root=root)

    doc = _read(root, "audiences.yml")
    for a in (doc.data or {}).get("audiences", []):
        kb.audiences[a["id"]] = Audience(
            id=a["id"], name=a["name"], description=a.get("description", ""),
            role=a.get("role", "adult"), age_band=_str(a.get("age_band")),
            formats=tuple(a.get("formats", ())), page_size=a.get("page_size", "A4"),
        )

    doc = _read(root, "age_bands.yml")
    for band in (doc.data or {}).get("age_bands", []):
        kb.age_bands[str(band["id"])] = band

    doc = _read(root, "concepts.yml")
    data = doc.data or {}
    for kc in data.get("key_concepts", []):
        kb.key_concepts[kc["id"]] = kc
        for topic in kc.get("topics", []):
            kb.topics[str(topic["id"])] = {**topic, "id": str(topic["id"]), "concept": kc["id"]}
    for g in data.get("guidance", []):
        kb.guidance[g["id"]] = g

    doc = _read(root, "bibliography.yml")
    for i, entry in enumerate((doc.data or {}).get("entries", [])):
        kb.bibliography[entry["key"]] = entry
        kb.lines[("bibliography", entry["key"])] = doc.line_of(("entries", i))

    doc = _read(root, "facts.yml")
    for i, f in enumerate((doc.data or {}).get("facts", [])):
        kb.facts[f["id"]] = Fact(
            id=f["id"], value=f.get("value"), unit=f.get("unit", "") or "",
            label=f.get("label", ""), source=f.get("source"),
            locator=f.get("locator", "") or "", as_of=_str(f.get("as_of")),
            review_by=_str(f.get("review_by")), note=f.get("note", "") or "",
            conflicts=tuple(f.get("conflicts", ()) or ()),
            line=doc.line_of(("facts", i)),
        )

    doc = _read(root, "terms.yml")
    for i, t in enumerate((doc.data or {}).get("terms", [])):
        kb.terms[t["term"]] = Term(
            term=t["term"], definition=t.get("definition", ""),
            historical=bool(t.get("historical", False)),
            deprecated=tuple(t.get("deprecated", ()) or ()),
            line=doc.line_of(("terms", i)),
        )

    doc = _read(root, "case_topics.yml")
    for ct in (doc.data or {}).get("case_topics", []):
        kb.case_topics[ct["id"]] = ct

    doc = _read(root, "helplines.yml")
    data = doc.data or {}
    for i, h in enumerate(data.get("helplines", []) or []):
        kb.helplines.append(Helpline(fact=str(h.get("fact", "")), name=h.get("name", "") or "",
                                     when=h.get("when", "") or "", line=doc.line_of(("helplines", i))))
    local = data.get("local")
    if local:
        kb.local_helpline = LocalHelpline(name=local.get("name", "") or "", note=local.get("note", "") or "")
    return kb
