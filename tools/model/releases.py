"""Release records (``source/_data/releases/<version>.yml``), read in one place.

``make release`` writes one record per release (``tools/release``): its
version and date, every page the editions hold (id, title, review state,
content digest, a digest per ``##`` section, the facts it uses), the values
of those facts, and each edition's pages. Records are read through
``yamlio`` and validated against the ``release`` definition of
``data.schema.json``; a record that does not parse or fit is a ``Problem``
at ``file:line`` (REL001) and is left out. The change notes of a release
(:mod:`tools.release.notes`) compare two records; the build info
(:mod:`tools.buildinfo`) takes the version and date of the latest.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import yamlio
from .codes import Code
from .problems import ERROR, Problem

RELEASE_DIR = Path("source") / "_data" / "releases"
#: calendar versions for school years: 2027.1, 2027.2 …
VERSION = re.compile(r"^(?P<year>\d{4})\.(?P<n>\d{1,2})$")
#: the appendix every print edition opens its appendices with once there is an earlier release
CHANGES_DOC = "source/changes"
#: where the site's version notes live: one page per release
NOTES_DIR = "source/releases"


def version_key(version: str) -> tuple[int, int]:
    m = VERSION.match(version)
    return (int(m["year"]), int(m["n"])) if m else (0, 0)


@dataclass(frozen=True)
class ReleasePage:
    doc: str
    id: str
    title: str
    state: str
    digest: str
    sections: tuple[tuple[str, str], ...]
    facts: tuple[str, ...]


@dataclass(frozen=True)
class ReleaseEdition:
    audience: str
    title: str
    draft: bool
    print: bool
    pages: tuple[str, ...]


@dataclass(frozen=True)
class Release:
    version: str
    date: str
    commit: str
    path: str
    pages: dict[str, ReleasePage]
    facts: dict[str, dict]  # id -> {label, value (as printed)}
    editions: dict[str, ReleaseEdition]


def record_path(root: str | Path, version: str) -> Path:
    return Path(root) / RELEASE_DIR / f"{version}.yml"


def read_release(root: str | Path, path: Path) -> tuple[Release | None, list[Problem]]:
    """One record, validated; (None, problems) when it cannot be used."""
    from .data import _validator, _schema_message
    rel = path.relative_to(root).as_posix() if path.is_absolute() else path.as_posix()
    fix = "发布记录由 make release 写出，不要手工修改；从 git 中恢复这个文件（git checkout -- 文件名）。"
    try:
        doc = yamlio.load_file(path)
    except yamlio.YamlError as exc:
        return None, [Problem(rel, exc.line, exc.col, Code.REL001, ERROR, f"发布记录读不出来：{exc.message}", fix)]
    problems = []
    for err in _validator("release").iter_errors(doc.data):
        problems.append(Problem(rel, doc.line_of(list(err.absolute_path)), 1, Code.REL001, ERROR,
                                f"发布记录不符合格式：{_schema_message(err)}。", fix))
    if problems:
        return None, problems[:5]
    d = doc.data
    if d["version"] != path.stem:
        return None, [Problem(rel, doc.line_of(["version"]), 1, Code.REL001, ERROR,
                              f"发布记录的版本号 {d['version']} 与文件名 {path.name} 不一致。", fix)]
    pages = {doc_: ReleasePage(doc_, p["id"], p["title"], p["state"], p["digest"],
                               tuple((s["title"], s["digest"]) for s in p["sections"]), tuple(p.get("facts", ())))
             for doc_, p in d["pages"].items()}
    editions = {}
    for i, e in enumerate(d["editions"]):
        missing = [x for x in e["pages"] if x not in pages]
        if missing:
            return None, [Problem(rel, doc.line_of(["editions", i, "pages"]), 1, Code.REL001, ERROR,
                                  f"发布记录中版本 {e['audience']} 列出的页面 {missing[0]} 不在 pages 中。", fix)]
        editions[e["audience"]] = ReleaseEdition(e["audience"], e["title"], bool(e.get("draft", False)),
                                                 bool(e.get("print", False)), tuple(e["pages"]))
    return Release(d["version"], d["date"], d.get("commit", ""), rel, pages, d["facts"], editions), []


def load_releases(root: str | Path) -> tuple[list[Release], list[Problem]]:
    """Every record under ``source/_data/releases``, oldest first, with the
    problems of those that cannot be used (and are left out)."""
    root = Path(root)
    folder = root / RELEASE_DIR
    out, problems = [], []
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        rel = path.relative_to(root).as_posix()
        if not VERSION.match(path.stem):
            problems.append(Problem(rel, 1, 1, Code.REL001, ERROR,
                                    f"发布记录的文件名 {path.name} 不是版本号（例如 2027.1.yml）。",
                                    "发布记录由 make release VERSION=… 写出；删去这个文件。"))
            continue
        release, found = read_release(root, path)
        problems += found
        if release is not None:
            out.append(release)
    out.sort(key=lambda r: version_key(r.version))
    return out, problems


def latest(root: str | Path) -> Release | None:
    releases, _ = load_releases(root)
    return releases[-1] if releases else None


def before(releases: list[Release], version: str) -> Release | None:
    """The release just before ``version`` (None for the first)."""
    earlier = [r for r in releases if version_key(r.version) < version_key(version)]
    return earlier[-1] if earlier else None
