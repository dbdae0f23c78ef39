"""Web cells: the edition's own site (learners never get teacher notes) and
the offline package, a zip of that site that works from disk, search included."""
from __future__ import annotations

import shutil
from pathlib import Path

from .common import atomic_output, fixed_zip, run_sphinx


def build_site(edition, work: Path, doctrees: Path, overrides: dict, out: Path) -> Path:
    with atomic_output(out) as staged:
        run_sphinx("html", staged, doctrees, overrides)
    return out


def build_zip(edition, site: Path, out: Path) -> None:
    with atomic_output(out) as staged:
        tmp = staged.with_suffix(".d")
        shutil.copytree(site, tmp / edition.stem, ignore=shutil.ignore_patterns(".buildinfo", "_sources"))
        fixed_zip(tmp, staged)
        shutil.rmtree(tmp)
