"""What a build is: its release, date, source commit and output folder.

Worked out here once, for ``conf.py`` (the site), the Sphinx extensions
(footer, colophon, downloads) and the publisher (editions, manifest), so
every output of one commit carries the same version, date and commit.

- release: ``KB_RELEASE`` (default ``0.1.0``);
- date: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else the
  commit's date, else now;
- commit: ``KB_SOURCE_COMMIT`` when set, else ``git rev-parse --short HEAD``;
- build folder: ``KB_BUILD_DIR`` when set, else ``<root>/build``.
"""
from __future__ import annotations

import functools
import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True,
                              timeout=30).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def release() -> str:
    return os.environ.get("KB_RELEASE", "0.1.0")


@functools.lru_cache(maxsize=1)
def _commit_epoch() -> int | None:
    out = _git("log", "-1", "--format=%ct")
    return int(out) if out and out.isdigit() else None


def source_date_epoch() -> int:
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    return _commit_epoch() or int(time.time())


def build_date() -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(source_date_epoch()))


def build_year() -> int:
    return time.gmtime(source_date_epoch()).tm_year


@functools.lru_cache(maxsize=1)
def _commit() -> str:
    return _git("rev-parse", "--short", "HEAD") or "unknown"


def source_commit() -> str:
    return os.environ.get("KB_SOURCE_COMMIT") or _commit()


def build_dir(root: Path | str = ROOT) -> Path:
    return Path(os.environ.get("KB_BUILD_DIR") or Path(root) / "build")
