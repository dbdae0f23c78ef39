"""Typography of a typeset book, read back from the PDF (``pdftotext
-bbox-layout``): what a Chinese typesetter checks first.

- no line starts with a closing punctuation mark (，。、；：？！）》」』”’ …);
- no paragraph ends on a line of one character (with its punctuation);
- the lines of the body text are justified: a line followed by a
  continuation line of the same paragraph ends at the right edge;
- paragraphs open with an indent: a line that follows the short last line
  of a paragraph does not start at the left edge.

Body lines are those set in the body size, in the text column (boxes,
tables and lists are inset and left out of the last three checks).

``python -m tools.publish.typocheck build/pdf/junior-secondary.pdf`` prints
the findings as ``file:page: message``.
"""
from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

CLOSING = "，。、；：？！）》」』”’〉】〕…,.;:?!)"
PUNCT = CLOSING + "（《「『“‘〈【〔—·"
NS = {"x": "http://www.w3.org/1999/xhtml"}


@dataclass
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def read_pages(pdf: Path) -> list[list[Line]]:
    out = subprocess.run(["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                         check=True).stdout
    root = etree.fromstring(out, etree.XMLParser(recover=True, huge_tree=True))
    pages = []
    for page in root.iterfind(".//x:page", NS):
        lines = []
        for line in page.iterfind(".//x:line", NS):
            words = [w.text or "" for w in line.iterfind("x:word", NS)]
            lines.append(Line(float(line.get("xMin")), float(line.get("yMin")), float(line.get("xMax")),
                              float(line.get("yMax")), "".join(words)))
        pages.append(_merge(sorted(lines, key=lambda ln: (round(ln.y0, 1), ln.x0))))
    return pages


def _merge(lines: list[Line]) -> list[Line]:
    """One visual line per run of segments on one baseline: poppler starts a
    new line where compressed punctuation makes two glyphs overlap (“。””)
    and after a drawn write-in blank (“我感到＿＿，因为”)."""
    out: list[Line] = []
    for ln in lines:
        prev = out[-1] if out else None
        if prev is not None and abs(prev.y0 - ln.y0) < 0.5 and ln.x0 <= prev.x1 + 41 * ln.height:
            out[-1] = Line(prev.x0, min(prev.y0, ln.y0), max(prev.x1, ln.x1), max(prev.y1, ln.y1),
                           prev.text + ln.text)
        else:
            out.append(ln)
    return out


def _mode(values, digits: int = 0) -> float | None:
    counts = Counter(round(v, digits) for v in values)
    return counts.most_common(1)[0][0] if counts else None


def _edge(values, pick) -> float | None:
    """The column's edge: the outermost position that many lines share (a
    book of lists has more lines at the list's indent than at the edge)."""
    counts = Counter(round(v) for v in values)
    frequent = [v for v, n in counts.items() if n >= max(3, len(values) // 50)]
    return pick(frequent) if frequent else None


def check(pdf: Path, skip_pages: int = 0) -> list[str]:
    """Findings for ``pdf`` (empty when its typography is right)."""
    pages = read_pages(pdf)
    all_lines = [ln for page in pages[skip_pages:] for ln in page]
    if not all_lines:
        return [f"{pdf.name}: no text"]
    body = _mode([ln.height for ln in all_lines], 1)
    # the text column's edges, for left-hand and right-hand pages (mirrored margins)
    edges = {}
    for parity in (0, 1):
        main = [ln for n, page in enumerate(pages[skip_pages:], start=skip_pages + 1) if n % 2 == parity
                for ln in page if abs(ln.height - body) < 0.3]
        # the left edge is the outermost start many lines share; most lines
        # starting there continue a paragraph and end exactly at the right edge
        left = _edge([ln.x0 for ln in main], min)
        edges[parity] = (left, _mode([ln.x1 for ln in main if left is not None and abs(ln.x0 - left) < 1]))
    # the distance between two lines of a paragraph (paragraphs are set with
    # the same distance: the grid runs on); headings and boxes break it
    steps = []
    for page in pages[skip_pages:]:
        main = [ln for ln in page if abs(ln.height - body) < 0.3]
        steps += [b.y0 - a.y0 for a, b in zip(main, main[1:]) if b.y0 - a.y0 > 1]
    pitch = _mode(steps, 1) or body * 2
    findings = []
    for number, lines in enumerate(pages, start=1):
        if number <= skip_pages:
            continue
        for ln in lines:
            # a figure's lone label ("?" on a sign) is not a line of text
            if len(ln.text.strip()) > 1 and abs(ln.height - body) < 0.3 and ln.text[0] in CLOSING:
                findings.append(f"{pdf.name}:{number}: 行首是标点“{ln.text[0]}”:{ln.text[:20]}")
        main = [ln for ln in lines if abs(ln.height - body) < 0.3]
        if len(main) < 4:
            continue
        left, right = edges[number % 2]
        em = body * 0.95
        column = [ln for ln in main if ln.x0 >= left - 1 and ln.x1 <= right + 1]
        for index, (a, b) in enumerate(zip(column, column[1:])):
            if abs(b.y0 - a.y0 - pitch) > 0.5:
                continue  # a heading, a box, a table or the page's end lies between
            starts_at_edge = abs(b.x0 - left) < 1
            indented = abs(b.x0 - (left + 2 * body)) < 1.5
            short = a.x1 < right - em * 0.9
            # a line-end mark compressed to half its width still reports its whole width
            off_edge = a.x1 < right - 1 or a.x1 > right + 0.55 * body
            if "····" in a.text + b.text:
                continue  # the contents
            if starts_at_edge and abs(a.x0 - left) < 2.5 * body and not short and off_edge:
                findings.append(f"{pdf.name}:{number}: 行尾没有对齐（差 {right - a.x1:.1f} pt）:{a.text[-12:]}")
            if short and starts_at_edge and (abs(a.x0 - left) < 1 or abs(a.x0 - left - 2 * body) < 1.5):
                findings.append(f"{pdf.name}:{number}: 段首没有缩进：{b.text[:12]}")
            nxt = column[index + 2] if index + 2 < len(column) else None
            continues = nxt is not None and abs(nxt.y0 - b.y0 - pitch) <= 0.5 and abs(nxt.x0 - left) < 1
            if starts_at_edge and not indented and not short and not continues and b.x1 < right - em:
                chars = re.sub(f"[\\s{re.escape(PUNCT)}]", "", b.text)
                # "…写出序号：" then a drawn write-in line: the line is not short, its blank has no text
                if len(chars) <= 1 and not b.text.rstrip().endswith(("：", ":")):
                    findings.append(f"{pdf.name}:{number}: 段落末行只有一个字：{a.text[-8:]}/{b.text}")
    return findings


def main(argv=None) -> int:
    findings = []
    for name in argv if argv is not None else sys.argv[1:]:
        findings += check(Path(name))
    print("\n".join(findings) if findings else "没有发现排版问题。")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
