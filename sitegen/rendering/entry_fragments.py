"""Fragments of output made from one entry, kept by the preview from one update to the next.

An `EntryOnDay` never changes: when an entry is edited, the preview makes a new `EntryOnDay`
for it, and every entry that was not edited keeps the very same object. So a fragment made
from an `EntryOnDay` (its card in a list, its item in the feed, its lines in `_headers`) is still
right while that object is in the site, as long as everything else the fragment is made from
stays as it was: the settings, the day and the theme. The preview starts new `EntryFragments` on
every whole build, which is what any change to those brings.

A whole build keeps only cards, for its own pages (the home page, a listing and theme pages show
the same card); every other fragment is made once there anyway.
"""

from __future__ import annotations

from typing import Callable, Hashable, Iterable, TypeVar

T = TypeVar("T")


class EntryFragments:
    """The fragments made so far: by their kind and the object they were made from, or by plain values."""

    def __init__(self) -> None:
        self._made: dict[tuple[Hashable, int], tuple[object, object]] = {}
        self._by_value: dict[Hashable, object] = {}

    def get(self, kind: Hashable, made_from: T, make: Callable[[T], object]):
        """The fragment of `kind` made from `made_from` (by identity), made now if not kept."""
        key = (kind, id(made_from))
        found = self._made.get(key)
        if found is not None and found[0] is made_from:
            return found[1]
        fragment = make(made_from)
        self._made[key] = (made_from, fragment)  # holding `made_from` keeps its id from being reused
        return fragment

    def get_all(self, kind: Hashable, made_from: Iterable[T], make: Callable[[T], object]) -> list:
        """`get` for each of `made_from`, in order (as one loop: this runs over every entry)."""
        made = self._made
        fragments = []
        for item in made_from:
            key = (kind, id(item))
            found = made.get(key)
            if found is None or found[0] is not item:
                found = made[key] = (item, make(item))
            fragments.append(found[1])
        return fragments

    def by_value(self, key: tuple, make: Callable[..., object]):
        """The fragment `make(*key[1:])`, made from the plain values in `key` after its kind (such as an address and a date)."""
        found = self._by_value.get(key)
        if found is None:
            found = self._by_value[key] = make(*key[1:])
        return found

    def keep_only(self, alive: Iterable[object]) -> None:
        """Forget the fragments made from objects no longer in `alive` (entries edited or removed),
        and those made from values (made again when next asked for)."""
        ids = {id(item) for item in alive}
        self._made = {key: value for key, value in self._made.items() if key[1] in ids}
        self._by_value = {}

    def __len__(self) -> int:
        return len(self._made) + len(self._by_value)


def fragments_of(fragments: EntryFragments | None, kind: Hashable, made_from: Iterable[T], make: Callable[[T], object]) -> list:
    """`make(item)` for each item of `made_from`, or the fragments kept for them when there are `fragments` (a preview)."""
    return [make(item) for item in made_from] if fragments is None else fragments.get_all(kind, made_from, make)
