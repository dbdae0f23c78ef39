"""Cover images for EPUB and print, drawn with Pillow and Noto CJK."""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
FONT_REGULAR = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SC_INDEX = 2  # Simplified Chinese face inside the Noto CJK collections


def _font(path: str, size: int):
    return ImageFont.truetype(path, size, index=SC_INDEX)


def draw_cover(edition, target: Path, size=(1600, 2400)) -> Path:
    """A plain, legible cover: title, subtitle, publisher on the edition colour."""
    img = Image.new("RGB", size, edition.cover_color)
    d = ImageDraw.Draw(img)
    w, h = size
    title = edition.title
    d.text((w // 2, int(h * 0.33)), title, font=_font(FONT_BOLD, 120), fill="#ffffff", anchor="mm")
    d.text((w // 2, int(h * 0.45)), edition.subtitle, font=_font(FONT_REGULAR, 72), fill="#ffffff", anchor="mm")
    d.text((w // 2, int(h * 0.85)), edition.publisher, font=_font(FONT_REGULAR, 56), fill="#ffffff", anchor="mm")
    target.parent.mkdir(parents=True, exist_ok=True)
    img.save(target, "PNG", optimize=True)
    return target
