"""What a build is: its release, date, source commit and output folder.

Worked out here once, for ``conf.py`` (the site), the Sphinx extensions
(footer, colophon, downloads) and the publisher (editions, manifest), so
every output of one commit carries the same version, date and commit.

- release: ``KB_RELEASE``, else the version of the latest release record
  (``source/_data/releases/``, written by ``make release``), else ``0.1.0``;
  ``release_date()`` is that record's date (None before the first release);
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


def source_root() -> Path:
    """The source tree being built (``KB_SOURCE_DIR``, default this repository)."""
    return Path(os.environ.get("KB_SOURCE_DIR") or ROOT).resolve()


def _latest(root: Path | str | None):
    from tools.model.releases import latest
    return latest(Path(root) if root else source_root())


def release(root: Path | str | None = None) -> str:
    if os.environ.get("KB_RELEASE"):
        return os.environ["KB_RELEASE"]
    record = _latest(root)
    return record.version if record else "0.1.0"


def release_date(root: Path | str | None = None) -> str | None:
    """The date of the release being built: the latest record's (None with
    ``KB_RELEASE`` set or before the first release)."""
    if os.environ.get("KB_RELEASE"):
        return None
    record = _latest(root)
    return record.date if record else None


def release_label(root: Path | str | None = None) -> str:
    """``2027.1（2027-08-20 发布）``: the version and date every edition carries."""
    date = release_date(root)
    return f"{release(root)}（{date} 发布）" if date else release(root)


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
