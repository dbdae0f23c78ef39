"""Rule registry: each rule module registers a function ``check(doc) -> problems``.

Rules that need the whole corpus register with ``corpus=True`` and receive
the list of all docs instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    func: Callable
    corpus: bool = False


RULES: list[Rule] = []


def rule(code: str, name: str, corpus: bool = False):
    def deco(func):
        RULES.append(Rule(code, name, func, corpus))
        return func
    return deco


def problem(doc, line, code, message, fix, severity="error", col=1):
    from tools.model import Problem
    return Problem(doc.path, line, col, code, severity, message, fix)
