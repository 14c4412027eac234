"""The heading outline of every page: one h1 (the page's title), and no heading more than one level
below the heading before it, however the Markdown bodies are written (screen reader users move
through a page by its headings)."""

import re
from html.parser import HTMLParser

from hypothesis import given, strategies as st

from sitegen.rendering.markup import split_sections, to_html


class Outline(HTMLParser):
    """The levels of a page's headings, in order."""

    def __init__(self):
        super().__init__()
        self.levels: list[int] = []

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


def outline(html: str) -> list[int]:
    parser = Outline()
    parser.feed(html)
    return parser.levels


def skips(levels: list[int]) -> list[tuple[int, int]]:
    """Places where a heading is more than one level below the one before it."""
    return [(before, after) for before, after in zip(levels, levels[1:]) if after > before + 1]


def body(levels: list[int]) -> str:
    return "\n\n".join(f"{'#' * n} Heading {i}\n\nText {i}." for i, n in enumerate(levels))


def test_each_level_moves_down_one_when_the_body_starts_at_one_hash():
    assert outline(to_html("# A\n\n## B\n\n### C\n\n#### D\n\n##### E\n\n###### F")) == [2, 3, 4, 5, 6, 6]
    assert outline(to_html("# A\n\n## B\n\n# C")) == [2, 3, 2]  # `#` and `##` no longer end at the same level


def test_a_body_that_starts_at_two_hashes_keeps_its_levels():
    assert outline(to_html("## A\n\n### B\n\n## C")) == [2, 3, 2]


def test_a_briefing_part_s_headings_sit_under_the_part_s_h2():
    _, sections = split_sections("Intro.\n\n## 1. One\n\n### Detail\n\n#### More\n\n## 2. Two\n\nText.")
    assert outline(sections[0].html) == [3, 4]


@given(st.lists(st.integers(1, 6), max_size=12), st.sampled_from([2, 3]))
def test_a_body_s_outline_starts_at_its_top_and_never_skips(levels, top):
    got = outline(to_html(body(levels), top=top))
    assert len(got) == len(levels)
    if got:
        assert got[0] == top and all(top <= level <= 6 for level in got)
    assert skips([top - 1, *got]) == []
    for (was, now), (made, next_made) in zip(zip(levels, levels[1:]), zip(got, got[1:])):
        if now == was:
            assert next_made == made  # siblings stay siblings
        elif now > was:
            assert next_made == min(made + 1, 6)  # a deeper heading is one level deeper
        else:
            assert next_made <= made


def test_every_page_of_a_site_has_one_h1_and_skips_no_level(site):
    site.entry("hashes", published="2026-03-01", body=body([1, 2, 3, 1, 2]))
    site.entry("deep", published="2026-03-01", body=body([2, 4, 6, 2, 3]))
    parts = "\n".join(f"## {n}. Part {n}\n\nText.\n\n### Detail {n}\n\n##### More {n}\n" for n in range(1, 8))
    site.entry("seven", type="briefing", published="2026-03-01", body="# Before the parts\n\nRead this first.\n\n" + parts)
    site.entry("how-to-refer", type="page", body=body([1, 3, 2]))
    result, out = site.build("2026-11-22")
    assert not result.failed
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 8
    for path in pages:
        levels = outline(path.read_text(encoding="utf-8"))
        where = path.relative_to(out).as_posix()
        assert levels.count(1) == 1 and levels[0] == 1, (where, levels)
        assert skips(levels) == [], (where, levels)
