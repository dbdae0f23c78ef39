"""Cover images for EPUB and print, drawn with Pillow and Noto CJK."""
from __future__ import annotations

import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
FONT_REGULAR = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SC_INDEX = 2  # Simplified Chinese face inside the Noto CJK collections


def _font(path: str, size: int):
    return ImageFont.truetype(path, size, index=SC_INDEX)


def cover_stamp(edition, root: Path | None = None) -> list[str]:
    """The lines the cover carries besides title and publisher: 试用版 for a
    draft edition, and the version with its release date (tools.buildinfo)."""
    from tools import buildinfo
    from tools.model.review import TRIAL
    return ([TRIAL] if getattr(edition, "draft", False) else []) + [f"版本 {buildinfo.release_label(root)}"]


def draw_cover(edition, target: Path, size=(1600, 2400), root: Path | None = None) -> Path:
    """A plain, legible cover: title, subtitle, publisher on the edition
    colour; 试用版 on a draft edition; the version and its date. A school's
    edition (tools.model.schools) adds the school's logo and name."""
    img = Image.new("RGB", size, edition.cover_color)
    d = ImageDraw.Draw(img)
    w, h = size
    school = getattr(edition, "school", None)
    top, badge = 0.33, 0.18
    if school is not None:
        top, badge = 0.40, 0.70
        if school.logo is not None:
            logo = logo_image(school.logo, 320)
            backing = Image.new("RGB", (logo.width + 40, logo.height + 40), "#ffffff")
            backing.paste(logo, (20, 20), logo)
            img.paste(backing, ((w - backing.width) // 2, int(h * 0.08)))
        d.text((w // 2, int(h * 0.30)), school.name, font=_font(FONT_BOLD, 84), fill="#ffffff", anchor="mm")
    d.text((w // 2, int(h * top)), edition.title, font=_font(FONT_BOLD, 120), fill="#ffffff", anchor="mm")
    d.text((w // 2, int(h * (top + 0.12))), edition.subtitle, font=_font(FONT_REGULAR, 72), fill="#ffffff",
           anchor="mm")
    if school is not None and school.example:
        d.text((w // 2, int(h * (top + 0.19))), "示例 · 学校和电话都是虚构的", font=_font(FONT_REGULAR, 52),
               fill="#ffffff", anchor="mm")
    *trial, version = cover_stamp(edition, root)
    if trial:  # a framed badge (above the title; below the school's lines)
        font = _font(FONT_BOLD, 88)
        box = d.textbbox((w // 2, int(h * badge)), trial[0], font=font, anchor="mm")
        pad = 28
        d.rectangle((box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad), outline="#ffffff", width=8)
        d.text((w // 2, int(h * badge)), trial[0], font=font, fill="#ffffff", anchor="mm")
    d.text((w // 2, int(h * 0.85)), edition.publisher, font=_font(FONT_REGULAR, 56), fill="#ffffff", anchor="mm")
    d.text((w // 2, int(h * 0.91)), version, font=_font(FONT_REGULAR, 44), fill="#ffffff", anchor="mm")
    target.parent.mkdir(parents=True, exist_ok=True)
    img.save(target, "PNG", optimize=True)
    return target


def logo_image(path: Path, side: int) -> Image.Image:
    """The school's logo (PNG, or an SVG checked by tools.model.schools and
    drawn by Typst, never by a browser) as an RGBA image at most ``side`` pixels."""
    if path.suffix == ".svg":
        import typst

        from .pdf import fonts
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "logo.svg").write_bytes(path.read_bytes())
            (Path(tmp) / "logo.typ").write_text(
                '#set page(width: auto, height: auto, margin: 0pt, fill: none)\n'
                f'#image("logo.svg", width: {side}pt)\n', encoding="utf-8")
            png = Path(tmp) / "logo.png"
            typst.compile(str(Path(tmp) / "logo.typ"), output=str(png), root=tmp, format="png", ppi=72,
                          font_paths=fonts(), ignore_system_fonts=True)
            img = Image.open(png)
            img.load()
    else:
        img = Image.open(path)
        img.load()
    img = img.convert("RGBA")
    img.thumbnail((side, side))
    return img
