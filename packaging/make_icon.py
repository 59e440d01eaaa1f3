"""Draw the program's icon: a case file with a tick on a deep blue tile.

    python packaging/make_icon.py

Writes resources/icons/case-review-tracker.png (256 px, the window's icon) and
case-review-tracker.ico (16 to 256 px, the Windows program and installer). Drawn at 1024 px
and scaled down, so each size is smooth. Pillow comes with ReportLab.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
NAME = "case-review-tracker"
ICO_SIZES = [(16, 16), (20, 20), (24, 24), (32, 32), (40, 40), (48, 48), (64, 64), (128, 128), (256, 256)]
TILE, PAPER, INK, TICK = "#1f4e79", "#ffffff", "#9fb4c8", "#2e9e5b"


def draw(size: int = 1024) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    s = size / 1024
    pen.rounded_rectangle((40 * s, 40 * s, 984 * s, 984 * s), radius=190 * s, fill=TILE)
    # The paper, its corner folded.
    pen.polygon([(250 * s, 170 * s), (640 * s, 170 * s), (780 * s, 310 * s), (780 * s, 860 * s),
                 (250 * s, 860 * s)], fill=PAPER)
    pen.polygon([(640 * s, 170 * s), (640 * s, 310 * s), (780 * s, 310 * s)], fill=INK)
    for top in (360, 460, 560):
        pen.rounded_rectangle((320 * s, top * s, 700 * s, (top + 44) * s), radius=22 * s, fill=INK)
    # The tick, over the paper's lower corner.
    pen.line([(430 * s, 700 * s), (560 * s, 820 * s), (860 * s, 520 * s)], fill=TICK, width=int(96 * s),
             joint="curve")
    for x, y in ((430, 700), (860, 520)):
        pen.ellipse(((x - 48) * s, (y - 48) * s, (x + 48) * s, (y + 48) * s), fill=TICK)
    return image


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    big = draw()
    big.resize((256, 256), Image.LANCZOS).save(ICONS / f"{NAME}.png", optimize=True)
    big.save(ICONS / f"{NAME}.ico", sizes=ICO_SIZES)
    print(f"Wrote {ICONS / NAME}.png and .ico")


if __name__ == "__main__":
    main()
