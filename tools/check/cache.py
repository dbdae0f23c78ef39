"""A cache of per-page results between runs (``build/.cache/check.json``).

A page whose text, the data files and the checker's own code are all
unchanged gets its per-page findings and its extracts (links, paragraphs)
from the cache; corpus-wide rules still run on every check. Deleting the
file, or any change to ``tools/`` or ``source/_data/``, starts afresh.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tools.model import Problem

CODE_DIRS = ("tools/check", "tools/model")


def _digest_files(paths) -> str:
    h = hashlib.sha1()
    for p in sorted(paths):
        h.update(p.as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


class CheckCache:
    def __init__(self, root: Path):
        here = Path(__file__).resolve().parents[2]
        code = [p for d in CODE_DIRS for p in (here / d).rglob("*") if p.suffix in (".py", ".json")]
        data = list((root / "source" / "_data").glob("*.yml"))
        self.salt = _digest_files(code) + _digest_files(data)
        self.path = root / "build" / ".cache" / "check.json"
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            self.entries = stored["entries"] if stored.get("salt") == self.salt else {}
        except (OSError, ValueError, KeyError):
            self.entries = {}
        self.used: dict[str, dict] = {}

    def key(self, rel: str, text: str) -> str:
        return hashlib.sha1(f"{rel}\0{text}".encode()).hexdigest()

    def get(self, key: str):
        entry = self.entries.get(key)
        if entry is None:
            return None
        self.used[key] = entry
        return [Problem(*p) for p in entry["problems"]], entry["extracts"]

    def put(self, key: str, problems: list[Problem], extracts: dict) -> None:
        self.used[key] = {"problems": [[p.path, p.line, p.col, p.code, p.severity, p.message, p.fix]
                                       for p in problems], "extracts": extracts}

    def save(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps({"salt": self.salt, "entries": self.used}, ensure_ascii=False),
                                 encoding="utf-8")
        except OSError:
            pass  # a read-only checkout still gets its report
