"""The print shop's package of an edition, derived from the typeset reading
copy (same pages, same breaks, no second layout):

- ``<audience>-print.pdf``: the text block: the reading copy without its
  cover and the cover's back, every colour converted to CMYK (black and
  greys to black ink only, so body text is K 100 %), with 3 mm of bleed and
  crop marks in a slug around every page (MediaBox ⊃ BleedBox ⊃ TrimBox),
  padded with blank pages to a multiple of four;
- ``<audience>-cover.pdf``: back cover, spine and front cover in one spread,
  the spine as wide as the text block is thick (pages ÷ 2 × the thickness
  of one leaf, from editions.yml), with bleed, crop and fold marks;
- ``<audience>-print-spec.txt``: one page for the printer: trim, bleed,
  pages, paper, binding, colours.

The three are written together: a failure leaves none of them.
"""
from __future__ import annotations

import re
from pathlib import Path

from .common import CellError, atomic_outputs, build_date
from .pdf import typeset

MM = 72 / 25.4
TRIM_MM = {"A4": (210, 297), "B5": (176, 250)}
SLUG_MM = 6


def outputs(edition, text_block: Path) -> tuple[Path, Path, Path]:
    """The three files of the package, beside the text block."""
    stem = text_block.name.removesuffix("-print.pdf")
    return text_block, text_block.with_name(f"{stem}-cover.pdf"), text_block.with_name(f"{stem}-print-spec.txt")


#: pages of the reading copy before the text block: the cover and its back
COVER_PAGES = 2


def build(edition, book: Path, reading: Path, out: Path) -> None:
    """The package, from the Typst ``book`` (for the cover) and the typeset
    ``reading`` copy (for the text block)."""
    spec = edition.print_spec
    trim_w, trim_h = TRIM_MM[edition.page_size]
    text_out, cover_out, spec_out = outputs(edition, out)
    with atomic_outputs(text_out, cover_out, spec_out) as (text_staged, cover_staged, spec_staged):
        raw = text_staged.with_name("raw.pdf")
        cmyk_text_block(reading, raw)
        typeset_pages = make_printshop(raw, text_staged, bleed_mm=spec.bleed_mm, multiple=spec.page_multiple)
        raw.unlink()
        import pikepdf
        with pikepdf.open(text_staged) as pdf:
            pages = len(pdf.pages)
        spine = spec.spine_mm(pages)
        inputs = {"title": edition.title, "subtitle": edition.subtitle, "publisher": edition.publisher,
                  "cover-color": edition.cover_color, "trim-width": str(trim_w), "trim-height": str(trim_h),
                  "spine": f"{spine:.1f}", "bleed": str(spec.bleed_mm), "slug": str(SLUG_MM)}
        school = getattr(edition, "school", None)  # a school's edition: its name and logo on the cover
        if school is not None:
            inputs.update({"school": school.name, "example": "yes" if school.example else "",
                           "school-logo": f"school-logo{school.logo.suffix}" if school.logo is not None else ""})
        cover_raw = cover_staged.with_name("cover-raw.pdf")
        typeset(book.parent / "cover.typ", cover_raw, "print", inputs)
        _cover_boxes(cover_raw, cover_staged, trim_w * 2 + spine, trim_h, spec.bleed_mm)
        cover_raw.unlink()
        spec_staged.write_text(print_spec(edition, pages, typeset_pages, spine, trim_w, trim_h), encoding="utf-8")


def print_spec(edition, pages: int, typeset_pages: int, spine: float, trim_w: int, trim_h: int) -> str:
    spec = edition.print_spec
    blank = pages - typeset_pages
    return "\n".join([
        f"印刷说明 · {edition.title} · {edition.subtitle}"
        + (f" · {edition.school.name}" if getattr(edition, "school", None) is not None else ""),
        f"日期：{build_date()}",
        "",
        f"成品尺寸（裁切后）：{trim_w} × {trim_h} mm（{edition.page_size}）",
        f"出血：四边各 {spec.bleed_mm:g} mm；裁切线在出血外 {SLUG_MM} mm 的边条内",
        f"内文：{edition.stem}-print.pdf，{pages} 页（排版 {typeset_pages} 页，"
        f"书末补空白页 {blank} 页，使页数为 {spec.page_multiple} 的倍数），单页排列，第 1 页为右页（书名页）",
        f"内文用纸：{spec.paper}，每张厚 {spec.sheet_mm:g} mm",
        f"装订：{spec.binding}",
        f"封面：{edition.stem}-cover.pdf，封底、书脊、封面连排一页；"
        f"展开尺寸 {2 * trim_w + spine:.1f} × {trim_h} mm（不含出血），"
        f"书脊宽 {spine:.1f} mm（{pages} 页 ÷ 2 × {spec.sheet_mm:g} mm）",
        f"封面用纸：{spec.cover_paper}",
        "颜色：CMYK 四色；正文文字为单色黑（K 100%），没有四色叠印的黑；"
        "颜色由 RGB 按公式换算，未嵌入 ICC 特性文件，请按贵厂的印刷条件打样确认",
        "字体：Noto Serif CJK SC、Noto Sans CJK SC（SIL OFL），已全部嵌入并子集化",
        "",
    ])


_RGB_FILL = re.compile(rb"/(\w+) (cs|CS)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(scn|SCN)")
_RGB_DEVICE = re.compile(rb"(?<![\w.])([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(rg|RG)(?=\s)")


def cmyk(r: float, g: float, b: float) -> tuple[float, float, float, float]:
    """RGB to CMYK by formula (no ICC profile): greys and black become black
    ink only (c = m = y = 0)."""
    k = 1 - max(r, g, b)
    if k >= 1 - 1e-6:
        return 0.0, 0.0, 0.0, 1.0
    return (1 - r - k) / (1 - k), (1 - g - k) / (1 - k), (1 - b - k) / (1 - k), k


def _to_cmyk(match: re.Match) -> bytes:
    *rgb, op = match.groups()[-4:]
    values = cmyk(*(float(v) for v in rgb))
    stroke = op in (b"SCN", b"RG")
    # a space first: Typst writes operators back to back ("cm/c0 cs")
    return b" " + " ".join(f"{v:.4f}".rstrip("0").rstrip(".") or "0" for v in values).encode() \
        + (b" K" if stroke else b" k")


def cmyk_text_block(reading: Path, out: Path) -> None:
    """The reading copy as the print shop's text block: without the cover
    pages, every RGB colour operator rewritten as CMYK (Typst writes each
    colour as ``/cN cs r g b scn``), the tags and bookmarks left out (they
    describe the reading copy), the page labels kept."""
    import pikepdf

    with pikepdf.open(reading) as pdf:
        done: set = set()

        def convert(stream) -> None:
            if stream.objgen in done:
                return
            done.add(stream.objgen)
            data = stream.read_bytes()
            new = _RGB_DEVICE.sub(_to_cmyk, _RGB_FILL.sub(_to_cmyk, data))
            if new != data:
                stream.write(new)  # compressed again when saved

        def forms(resources) -> None:
            for xobject in (resources.get("/XObject") or {}).values():
                if xobject.get("/Subtype") == "/Form":
                    convert(xobject)
                    forms(xobject.get("/Resources") or {})

        for page in pdf.pages[COVER_PAGES:]:
            for stream in page.obj.Contents.wrap_in_array() if "/Contents" in page.obj else []:
                convert(stream)
            forms(page.obj.get("/Resources") or {})
            if "/StructParents" in page.obj:
                del page.obj["/StructParents"]
            for annot in page.obj.get("/Annots") or []:
                if "/StructParent" in annot:
                    del annot["/StructParent"]
        labels = pdf.Root.get("/PageLabels")
        if labels is not None:
            nums = list(labels.Nums)
            shifted = []
            for start, label in zip(nums[::2], nums[1::2]):
                if int(start) >= COVER_PAGES:
                    shifted += [int(start) - COVER_PAGES, label]
            pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(shifted))
        del pdf.pages[:COVER_PAGES]
        for key in ("/StructTreeRoot", "/MarkInfo", "/Outlines"):
            if key in pdf.Root:
                del pdf.Root[key]
        pdf.save(out, deterministic_id=True)


def make_printshop(reading: Path, out: Path, bleed_mm: float = 3, slug_mm: float = SLUG_MM,
                   multiple: int = 4) -> int:
    """Page boxes, crop marks and padding on a typeset text block (no second
    layout). Every page gets ``bleed_mm`` of bleed around its trim box and a
    slug outside it holding crop marks; blank pages pad the book to a multiple
    of ``multiple``. Returns the number of typeset pages."""
    import pikepdf

    from .common import atomic_output

    bleed, slug = bleed_mm * MM, slug_mm * MM
    with pikepdf.open(reading) as pdf:
        typeset_pages = len(pdf.pages)
        if not typeset_pages:
            raise CellError("印刷版没有排出任何页面")
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.obj.get("/TrimBox", page.mediabox))
            _set_boxes(page.obj, (x0, y0, x1, y1), bleed, slug)
            page.contents_add(pikepdf.Stream(pdf, _crop_marks((x0, y0, x1, y1), bleed, slug)))
        trim = tuple(float(v) for v in pdf.pages[-1].obj["/TrimBox"])
        for _ in range((-typeset_pages) % multiple):
            blank = pikepdf.Dictionary(Type=pikepdf.Name.Page, Resources=pikepdf.Dictionary())
            _set_boxes(blank, trim, bleed, slug)
            pdf.pages.append(pikepdf.Page(blank))
            pdf.pages[-1].contents_add(pikepdf.Stream(pdf, _crop_marks(trim, bleed, slug)))
        with atomic_output(out) as staged:
            pdf.save(staged, deterministic_id=True)
    return typeset_pages


def _set_boxes(page, trim, bleed: float, slug: float) -> None:
    import pikepdf

    x0, y0, x1, y1 = trim
    grow = lambda d: pikepdf.Array([round(x0 - d, 3), round(y0 - d, 3), round(x1 + d, 3), round(y1 + d, 3)])  # noqa: E731
    page.MediaBox = grow(bleed + slug)
    page.BleedBox = grow(bleed)
    page.TrimBox = grow(0)
    for box in ("/CropBox", "/ArtBox"):
        if box in page:
            del page[box]


def _crop_marks(trim, bleed: float, slug: float) -> bytes:
    """Eight hairlines in the slug, continuing each trim edge outside the bleed,
    in registration-free black (K only)."""
    x0, y0, x1, y1 = trim
    near, far = bleed + 1, bleed + slug - 0.5
    lines = []
    for x in (x0, x1):
        lines += [(x, y0 - near, x, y0 - far), (x, y1 + near, x, y1 + far)]
    for y in (y0, y1):
        lines += [(x0 - near, y, x0 - far, y), (x1 + near, y, x1 + far, y)]
    path = " ".join(f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l S" for a, b, c, d in lines)
    return f"q 0.25 w 0 0 0 1 K {path} Q\n".encode("ascii")


def _cover_boxes(raw: Path, out: Path, trim_w_mm: float, trim_h_mm: float, bleed_mm: float) -> None:
    """TrimBox and BleedBox of the cover spread (the page Typst drew is the MediaBox)."""
    import pikepdf

    with pikepdf.open(raw) as pdf:
        page = pdf.pages[0].obj
        x0, y0, x1, y1 = (float(v) for v in page.MediaBox)
        off = (SLUG_MM + bleed_mm) * MM
        trim = (x0 + off, y0 + off, x0 + off + trim_w_mm * MM, y0 + off + trim_h_mm * MM)
        page.TrimBox = pikepdf.Array([round(v, 3) for v in trim])
        b = bleed_mm * MM
        page.BleedBox = pikepdf.Array([round(trim[0] - b, 3), round(trim[1] - b, 3),
                                       round(trim[2] + b, 3), round(trim[3] + b, 3)])
        pdf.save(out, deterministic_id=True)
