"""Text escaped for XML, as ElementTree and `xml.sax.saxutils.escape` escape it.

Written here because `xml.sax.saxutils` imports a web client (urllib.request, ssl, email),
a tenth of the time a warm build spends starting up.
"""

from __future__ import annotations


def xml_text(text: str, entities: dict[str, str] | None = None) -> str:
    """`&`, `<` and `>` escaped, then each of `entities` (such as `{'"': "&quot;"}`) replaced."""
    text = text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    for character, entity in (entities or {}).items():
        text = text.replace(character, entity)
    return text
