"""Shared fixtures: sphinx.testing's app fixtures, the fixture roots, the real site."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

pytest_plugins = ["sphinx.testing.fixtures"]
collect_ignore = ["roots"]


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds the ``test-*`` fixture projects."""
    return ROOT / "tests" / "roots"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real knowledge base built once per session with -n -W; returns the HTML dir.

    Set KB_SITE_DIR to reuse an existing build (it must be of the current sources).
    """
    if os.environ.get("KB_SITE_DIR"):
        return Path(os.environ["KB_SITE_DIR"])
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-n", "-W", "--keep-going", "-q",
         "-d", str(out / "doctrees"), str(ROOT), str(out / "html")],
        capture_output=True, text=True, cwd=ROOT)
    warnings = "\n".join(l for l in proc.stderr.splitlines() if "WARNING" in l or "ERROR" in l)
    assert proc.returncode == 0 and not warnings, f"site build failed:\n{proc.stderr[-5000:]}"
    return out / "html"


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None
