"""Print PDF cells: the edition's book written by the ``typst`` Sphinx builder
(tools/extensions/kb_typst) from the edition's environment, then typeset
with Typst (the ``typst`` package: the compiler as a Python extension).

- the reading copy: tagged PDF/UA-1, RGB, language zh-CN, the title in the
  metadata, with its cover;
- fonts: Noto CJK from Debian's fonts-noto-cjk, by path; system fonts and
  Typst's own fonts are not used, so the output depends on nothing else;
- with ``SOURCE_DATE_EPOCH``, two builds are byte-identical;
- the print shop's package is derived from the reading copy (:mod:`.printshop`).
"""
from __future__ import annotations

import functools
import time
from pathlib import Path

from .common import CellError, atomic_output, run_sphinx, source_date_epoch

FONT_DIRS = ("/usr/share/fonts/opentype/noto",)
BOOK = "book.typ"


def write_book(work: Path, doctrees: Path, overrides: dict) -> Path:
    """Run the typst builder on the edition's environment (no second read of
    the sources); returns the written ``book.typ``."""
    out = work / "typst"
    run_sphinx("typst", out, doctrees, overrides)
    book = out / BOOK
    if not book.exists():
        raise CellError("Sphinx 没有写出印刷版的 Typst 文件")
    return book


@functools.lru_cache(maxsize=1)
def fonts():
    """The Noto CJK fonts only (scanned once per process)."""
    import typst

    dirs = [d for d in FONT_DIRS if Path(d).is_dir()]
    if not dirs:
        raise CellError("没有找到 Noto CJK 字体(fonts-noto-cjk):运行 make setup 安装")
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=dirs)


def typeset(source: Path, out: Path, mode: str = "reading", inputs: dict | None = None) -> float:
    """Typeset ``source`` (a .typ file beside its templates) into ``out``.

    ``mode`` "reading": tagged PDF/UA-1, RGB; "print": CMYK, untagged (the
    print shop's cover). Returns the seconds Typst took. A Typst error or
    warning fails the cell."""
    import typst

    tagged = mode == "reading"
    start = time.perf_counter()
    with atomic_output(out) as staged:
        try:
            _, warnings = typst.compile_with_warnings(
                str(source), output=str(staged), root=str(source.parent), font_paths=fonts(),
                ignore_system_fonts=True, sys_inputs={"kb-mode": mode, **(inputs or {})},
                pdf_standards=["ua-1"] if tagged else [], pdf_tags=tagged,
                timestamp=source_date_epoch())
        except typst.TypstError as exc:
            raise CellError(f"Typst 排版失败({source.name}):{exc.message}\n{exc.diagnostic}"
                            + "".join(f"\n  提示：{h}" for h in exc.hints)) from None
        if warnings:
            raise CellError(f"Typst 排版有警告({source.name}),请修正：\n"
                            + "\n".join(f"{w.message} {w.diagnostic}" for w in warnings))
    return time.perf_counter() - start


def build(book: Path, out: Path) -> None:
    """The reading copy (tagged, PDF/UA-1)."""
    typeset(book, out, "reading")
