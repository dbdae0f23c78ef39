"""The one shape of a content problem, shared by every wing.

A :class:`Problem` says where (path, line, column), which rule (code), how
bad (severity), what is wrong and how to fix it, in words a writer on the
staff understands. The Sphinx extensions turn problems into build warnings,
the checker prints them, and the contributor tools show them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"
INFO = "info"  # listed for the editors, never fails a check


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    col: int = 1
    code: str = ""
    severity: str = field(default=ERROR, compare=False)
    message: str = field(default="", compare=False)
    fix: str = field(default="", compare=False)

    def text(self) -> str:
        """``path:line:col: CODE severity: message — fix``"""
        fix = f" — {self.fix}" if self.fix else ""
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.severity}: {self.message}{fix}"
