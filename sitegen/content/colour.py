"""Colours: WCAG contrast for the site's accent colour, and its darker shade.

The formulas are WCAG 2.2's own (relative luminance and contrast ratio,
https://www.w3.org/TR/WCAG22/#dfn-relative-luminance), so no library is needed.
"""

from __future__ import annotations

AA_TEXT = 4.5  # WCAG 2.2 AA: normal text against its background
WHITE = "#ffffff"


def rgb(hex_colour: str) -> tuple[int, int, int]:
    """'#1d70b8' or '#17b' -> (29, 112, 184)."""
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def to_hex(red: float, green: float, blue: float) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in (red, green, blue))


def relative_luminance(hex_colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str = WHITE) -> float:
    """Contrast ratio between two colours, from 1 (none) to 21 (black on white)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def darken(hex_colour: str, amount: float) -> str:
    """Mix a colour with black: amount 0 keeps it, 1 gives black."""
    return to_hex(*(c * (1 - amount) for c in rgb(hex_colour)))


def darkest_needed(hex_colour: str, ratio: float = AA_TEXT) -> str:
    """The lightest shade of the colour (mixed with black) that reaches `ratio` against white."""
    for step in range(101):
        shade = darken(hex_colour, step / 100)
        if contrast(shade) >= ratio:
            return shade
    return "#000000"
