"""The size of a picture (the site's logo), so that its <img> can say its width and height and the
page does not move as it loads.

PNG, JPEG, GIF and WebP files are measured by the imagesize library, from their headers. An SVG
is measured by its width and height when they are plain numbers (imagesize's reading), else by
its viewBox, which is how most logos are drawn.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path


def picture_size(path: Path) -> tuple[int, int] | None:
    """(width, height) in CSS pixels, or None when it cannot be told."""
    import imagesize  # imported here: it loads urllib and ssl, 20 ms of every build of a site without a logo

    try:
        width, height = imagesize.get(str(path))
    except (OSError, ValueError):
        width = height = -1
    if width > 0 and height > 0:
        return round(width), round(height)
    if path.suffix.lower() == ".svg":
        return _svg_view_box(path)
    return None


def _svg_view_box(path: Path) -> tuple[int, int] | None:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None
    numbers = re.split(r"[\s,]+", (root.get("viewBox") or "").strip())
    try:
        width, height = float(numbers[2]), float(numbers[3])
    except (IndexError, ValueError):
        return None
    if width <= 0 or height <= 0:
        return None
    return max(1, round(width)), max(1, round(height))
