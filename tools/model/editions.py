"""The edition matrix (``source/_data/editions.yml``) and which pages each
edition holds. Read by the Sphinx extension (to limit a build to an edition)
and by the publisher (to plan the cells)."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from .data import load_data
from .pages import Page

FORMATS = ("web", "epub", "pdf", "pdf-print", "docx", "zip")

#: formats schools print: a released edition in one of them holds reviewed pages only
PRINT_FORMATS = ("pdf", "pdf-print", "docx")
EXTENSIONS = {"web": "", "epub": ".epub", "pdf": ".pdf", "pdf-print": "-print.pdf", "docx": ".docx", "zip": ".zip"}


@dataclass(frozen=True)
class PrintSpec:
    """What the print shop needs to know (``print:`` in editions.yml)."""

    paper: str = "70 g/m² 胶版纸"
    sheet_mm: float = 0.09  # thickness of one leaf (two pages): the spine's width
    binding: str = "无线胶装"
    cover_paper: str = "250 g/m² 铜版纸，单面覆膜"
    page_multiple: int = 4
    bleed_mm: float = 3.0

    def spine_mm(self, pages: int) -> float:
        """The spine's width for a text block of ``pages`` pages (rounded up to 0.1 mm)."""
        import math
        return math.ceil(pages / 2 * self.sheet_mm * 10 - 1e-9) / 10


@dataclass(frozen=True)
class Edition:
    audience: str
    title: str
    subtitle: str
    collections: tuple[str, ...]
    age_bands: tuple[str, ...]
    formats: tuple[str, ...]
    page_size: str
    cover_color: str
    publisher: str
    language: str
    appendices: tuple[str, ...] = field(default=())
    #: part of a page (a box kind or a section title) -> the audience roles
    #: that get it; a part not listed is for everyone (editions.yml ``parts``)
    parts: dict = field(default_factory=dict, hash=False, compare=False)
    role: str = "learner"  # the audience's role (audiences.yml): learner, educator or adult
    chapter_break: str = "page"  # "right": every chapter opens on a right-hand page
    type_size: float = 10.5  # body type, points
    line_chars: int = 36  # characters a full line holds (the text width)
    print_spec: PrintSpec = field(default_factory=PrintSpec)
    #: a draft edition (试用版, ``draft: true`` in editions.yml): it may hold
    #: draft or lapsed pages, and its cover and every page say 试用版
    draft: bool = False

    @property
    def printed(self) -> bool:
        """Is any of its formats printed on paper (PDF, print-shop PDF, Word)?"""
        return any(f in PRINT_FORMATS for f in self.formats)

    def shows(self, part: str, audiences=()) -> bool:
        """Does this edition print ``part``: a box (teacher-note, editor-note,
        a for-audience passage naming ``audiences``…) or a section title (the
        teacher's plan of a lesson)? The one place that decides (from the
        ``parts`` table of editions.yml); the build's filter, the checker's
        rules and the publisher ask here."""
        if audiences:
            return self.audience in audiences
        if part in self.parts:
            return self.role in self.parts[part]
        return True

    def output(self, fmt: str) -> str:
        """Output path of a cell, relative to the build directory."""
        if fmt == "web":
            return f"web/{self.audience}"
        folder = "pdf" if fmt == "pdf-print" else fmt
        return f"{folder}/{self.audience}{EXTENSIONS[fmt]}"

    @property
    def stem(self) -> str:
        """File name of the edition's outputs, without extension (a school
        edition, tools.model.schools, names them after the school)."""
        return self.audience

    @property
    def label(self) -> str:
        """The edition as messages name it."""
        return f"“{self.title}”版"


@functools.lru_cache(maxsize=4)
def _load(root: Path) -> dict[str, Edition]:
    kb = load_data(root)
    data = kb.editions_data
    defaults = data.get("defaults", {})
    # once there is an earlier release, every edition opens its appendices
    # with what changed since (tools.release.notes)
    from .releases import CHANGES_DOC, load_releases
    changes = (CHANGES_DOC,) if len(load_releases(root)[0]) >= 2 and (root / f"{CHANGES_DOC}.md").is_file() else ()
    out = {}
    for e in data.get("editions", []):
        out[e["audience"]] = Edition(
            audience=e["audience"], title=e["title"], subtitle=e.get("subtitle", ""),
            collections=tuple(e.get("collections", ())),
            age_bands=tuple(str(b) for b in e.get("age_bands", ()) or ()),
            formats=tuple(e.get("formats", FORMATS)), page_size=e.get("page_size", "A4"),
            cover_color=e.get("cover_color", "#22577a"),
            publisher=e.get("publisher", defaults.get("publisher", "")),
            language=e.get("language", defaults.get("language", "zh-CN")),
            appendices=changes + tuple(e.get("appendices", defaults.get("appendices", ()))),
            parts={k: tuple(v or ()) for k, v in {**(defaults.get("parts") or {}), **(e.get("parts") or {})}.items()},
            role=kb.audiences[e["audience"]].role if e["audience"] in kb.audiences else "adult",
            chapter_break=e.get("chapter_break", defaults.get("chapter_break", "page")),
            type_size=float(e.get("type_size", defaults.get("type_size", 10.5))),
            line_chars=int(e.get("line_chars", defaults.get("line_chars", 36))),
            print_spec=PrintSpec(**{**defaults.get("print", {}), **e.get("print", {})}),
            draft=bool(e.get("draft", False)),
        )
    return out


def load_editions(root: str | Path) -> dict[str, Edition]:
    return _load(Path(root).resolve())


def edition_pages(edition: Edition, pages: dict[str, Page]) -> list[str]:
    """Docnames (no suffix) of the content pages an edition holds, in reading
    order: by collection as listed, then front-matter ``order``, then id."""
    chosen = []
    for rank, coll in enumerate(edition.collections):
        for docname, page in pages.items():
            m = page.meta
            if not docname.startswith(coll.rstrip("/") + "/") or docname.endswith("/index"):
                continue
            if m.get("type") in (None, "page"):
                continue
            if edition.audience not in (m.get("audiences") or ()):
                continue
            if m.get("type") == "lesson" and str(m.get("age_band")) not in edition.age_bands:
                continue
            chosen.append((rank, m.get("order", 999), m.get("id", ""), docname))
    seen, out = set(), []
    for *_, docname in sorted(chosen):
        if docname not in seen:
            seen.add(docname)
            out.append(docname)
    return out


def edition_contents(edition: Edition, pages: dict[str, Page]) -> list[str]:
    """Everything an edition holds, in reading order: its content pages, then
    the appendices (what the build includes, the book prints, links may reach)."""
    return [*edition_pages(edition, pages), *edition.appendices]
