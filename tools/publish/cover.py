"""Cover images for EPUB and print, drawn with Pillow and Noto CJK."""
from __future__ import annotations

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
    colour; 试用版 on a draft edition; the version and its date."""
    img = Image.new("RGB", size, edition.cover_color)
    d = ImageDraw.Draw(img)
    w, h = size
    title = edition.title
    d.text((w // 2, int(h * 0.33)), title, font=_font(FONT_BOLD, 120), fill="#ffffff", anchor="mm")
    d.text((w // 2, int(h * 0.45)), edition.subtitle, font=_font(FONT_REGULAR, 72), fill="#ffffff", anchor="mm")
    *trial, version = cover_stamp(edition, root)
    if trial:  # a framed badge above the title
        font = _font(FONT_BOLD, 88)
        box = d.textbbox((w // 2, int(h * 0.18)), trial[0], font=font, anchor="mm")
        pad = 28
        d.rectangle((box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad), outline="#ffffff", width=8)
        d.text((w // 2, int(h * 0.18)), trial[0], font=font, fill="#ffffff", anchor="mm")
    d.text((w // 2, int(h * 0.85)), edition.publisher, font=_font(FONT_REGULAR, 56), fill="#ffffff", anchor="mm")
    d.text((w // 2, int(h * 0.91)), version, font=_font(FONT_REGULAR, 44), fill="#ffffff", anchor="mm")
    target.parent.mkdir(parents=True, exist_ok=True)
    img.save(target, "PNG", optimize=True)
    return target
