"""The one shape of a content problem, shared by every wing.

A :class:`Problem` says where (path, line, column), which rule (code), how
bad (severity), what is wrong and how to fix it, in words a writer on the
staff understands. The Sphinx extensions turn problems into build warnings,
the checker prints them, and the contributor tools show them.
"""
from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """Two problems are the same only when every field is: two phone numbers
    on one line are two findings (their messages differ), and are both kept."""

    path: str
    line: int
    col: int = 1
    code: str = ""
    severity: str = ERROR
    message: str = ""
    fix: str = ""

    def text(self) -> str:
        """``path:line:col: CODE severity: message — fix``"""
        fix = f" — {self.fix}" if self.fix else ""
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.severity}: {self.message}{fix}"
