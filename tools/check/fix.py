"""Safe automatic fixes (``make fix``): Chinese typography in page bodies."""
from __future__ import annotations

from pathlib import Path

from tools.model.pages import split_front_matter

from .rules.typography import fix_text


def fix_files(root: Path, rels: list[str]) -> list[str]:
    changed = []
    for rel in rels:
        path = root / rel
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        _, _, body_start = split_front_matter(text)
        lines = text.split("\n")
        head, body = lines[:max(body_start - 1, 0)], "\n".join(lines[max(body_start - 1, 0):])
        fixed = "\n".join(head + [fix_text(body)]) if head else fix_text(body)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
            changed.append(rel)
    return changed
