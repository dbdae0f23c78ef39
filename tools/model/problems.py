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
INFO = "info"  # listed for the editors, never fails a check


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
        return f"{visible(self.path)}:{self.line}:{self.col}: {self.code} {self.severity}: {self.message}{fix}"


def visible(text: str) -> str:
    """``text`` with control and format characters (right-to-left overrides,
    zero-width spaces) written as escapes, so a terminal shows what is there
    instead of obeying it."""
    import unicodedata
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text)
