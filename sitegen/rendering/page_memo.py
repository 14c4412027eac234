"""Pages kept from the last build of the live site, given again only while everything they were
made from is as it was.

Most nights nothing goes up or comes down, and on the others a report changes a few pages: its
own, its type's listing, the home page. Making the other thousand pages again from the same
things gives the same bytes, and was a third of a nightly build (docs/performance.md). A page is
made by a template from:

1. what the renderer gives it (its context: the entry, its body's HTML without links to entries
   not published that day, its related entries, its structured data);
2. the settings, the theme, the page's address and sitegen's own code, which are the same for
   every page (`PageMemo`'s `fixed` digest and the memo's code stamp);
3. whatever its template asks of the day's site, through the `site` it is given: `site.pages`,
   `site.live_of_type("sar")` and so on (`SiteReads` writes down each question and the digest of
   its answer);
4. the day itself, for a template that can read `as_of` (found in the templates' syntax, with
   every template they extend, include or import: `reads_day`).

A page's record keeps the digest of 1, 2 and 4, and the questions of 3 with their answers'
digests. The next build gives the page again only when its record's digest is today's and every
question, asked again of today's site, has the same answer; the page's bytes come from the file
store (`output/file_store.py`) and are checked against their name (the digest of what was
written) before they are used. Otherwise the page is made again, and its new record kept. A
question asked with something other than plain values (with an entry, say) is answered by the
digest of the whole site: such a page is made again whenever anything changes. The entries'
cards, which a build makes once and shows on several pages (`EntryFragments`), carry the
questions their making asked to every page that shows them (`PageMemo.cards`).

All of that holds only where every question a template asks goes through `site` as it is
given to the page. sitegen's own templates are written so (and `tests/test_page_memo.py` checks
that none of them keeps anything of the site in a module that Jinja would make once for many
pages); a site's own templates are not known, so a site with any (themes/templates/) makes every
page at every build, as does a preview. A build with pages kept gives the same bytes as one
without (tested night after night against cold builds).
"""

from __future__ import annotations

import hashlib
import io
import marshal
import pickle
from dataclasses import fields
from pathlib import Path
from typing import Callable, Hashable, Iterable

import jinja2
from jinja2 import meta

from sitegen.core.cachefile import content_name, read_kept
from sitegen.core.memo import Memo, library_digest
from sitegen.content.entries import Entry
from sitegen.rendering.site import EntryOnDay, Theme
from sitegen.rules.addresses import OutputFile, output_file

KIND = "page"
LIBRARIES = ("jinja2", "markupsafe")  # what makes the page from its template, besides sitegen's own code
WHOLE_SITE = "site"  # a question whose answer is the whole site's digest


def digest_of(value: object) -> bytes | None:
    """A digest of everything in `value` (pickled: every field of every object in it), or None when
    it holds something that cannot be pickled (a page made from such a thing is made again every
    time). Pickled without its memo, so that which equal values happen to be one object (a title
    read from the memo or made again) makes no difference. A set of text is pickled in an order that
    differs between processes: its page is then made again, never given wrongly."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # every object written out in full where it is met: the same bytes whichever equal objects are shared
    try:
        pickler.dump(value)
    except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError):  # a loop of objects among them
        return None
    return hashlib.blake2b(buffer.getbuffer(), digest_size=16).digest()


def _plain(value: object) -> bool:
    return value is None or type(value) in (str, int, float, bool) or type(value) is tuple and all(map(_plain, value))


def _kept_args(args: tuple) -> bytes | None:
    """`args` kept to be asked again next time, as plain data (`marshal`): text, numbers and tuples
    of them as they are, an entry (`Entry`, `EntryOnDay`) by its address, to be found again in
    that build's site; None for anything else."""
    kept: list[tuple] = []
    for value in args:
        if _plain(value):
            kept.append(("value", value))
        elif isinstance(value, EntryOnDay) and value.entry.url is not None:
            kept.append(("entry on day", value.entry.url))
        elif isinstance(value, Entry) and value.url is not None:
            kept.append(("entry", value.url))
        else:
            return None
    return marshal.dumps(tuple(kept))


class _NotKept(Exception):
    """A page not kept, while `PageMemo.kept_pages` asks for kept pages only."""


class SiteReads:
    """The day's site as a template sees it while pages are kept: the same answers, with every
    question written down in the page's record (see the module's description)."""

    __slots__ = ("_site", "_memo")

    def __init__(self, site: object, memo: PageMemo):
        object.__setattr__(self, "_site", site)
        object.__setattr__(self, "_memo", memo)

    def __getattr__(self, name: str):
        value = getattr(self._site, name)
        if name.startswith("__"):
            return value
        if not callable(value):
            self._memo.asked(("get", name, None), value)
            return value

        def ask(*args, **kwargs):
            answer = value(*args, **kwargs)
            kept = _kept_args(args) if not kwargs else None
            if kept is None:
                self._memo.asked((WHOLE_SITE, "", None), None)
            else:
                self._memo.asked(("call", name, kept), answer)
            return answer

        return ask


class PageMemo:
    """The pages of the last build of the live site, each with what it was made from (see the
    module's description). `memo` keeps the records (with what else earlier builds made),
    `store` is the folder of the file store, `site` the day's site and `fixed` what every page
    depends on besides it (the settings and the renderer's globals)."""

    def __init__(self, memo: Memo, store: Path, site: object, env: jinja2.Environment, fixed: object):
        self.memo = memo
        self.store = store
        self.site = site
        self.env = env
        self._fixed = digest_of((fixed, library_digest(LIBRARIES)))
        self._answers: dict[tuple, bytes | None] = {}  # today's answers' digests, by question
        self._reads: list[tuple] | None = None  # the questions asked by the page being made
        self._fragment_reads: dict[tuple[Hashable, int], list[tuple]] = {}
        self._reads_day: dict[str, bool] = {}
        self._parsed: dict[str, tuple[bool, list]] = {}
        self._by_address: dict[str, EntryOnDay | None] | None = None
        self._entries: dict[int, tuple[EntryOnDay, bytes | None]] = {}  # each entry's digest, once a build
        self.kept = self.made = 0
        self._only_kept = False

    @property
    def usable(self) -> bool:
        return self._fixed is not None

    def kept_pages(self, jobs: list[Callable[[], OutputFile | None]]) -> list[OutputFile | None]:
        """Each job's page where it is kept (see `page`), None where it has to be made: so that only
        those are shared between processes to be made."""
        self._only_kept = True
        found: list[OutputFile | None] = []
        try:
            for job in jobs:
                try:
                    found.append(job())
                except _NotKept:
                    found.append(None)
        finally:
            self._only_kept = False
        return found

    def page(self, template: str, path: str, context: dict, make: Callable[[], str]) -> OutputFile:
        """The page at `path`: as the last build made it when nothing it was made from changed, else
        `make()` (or, when asked for kept pages only by `kept_pages`, none)."""
        context_digest = digest_of((template, path, {name: self._stand_in(value) for name, value in context.items()}))
        if context_digest is None or self._fixed is None:
            if self._only_kept:
                raise _NotKept
            return OutputFile(output_file(path), make().encode("utf-8"))
        day = self.site.as_of.isoformat() if self.reads_day(template) else ""  # type: ignore[attr-defined]
        key = f"{template}\0{path}\0{context_digest.hex()}\0{self._fixed.hex()}\0{day}"
        record = self.memo.peek(KIND, key)
        kept = self._given_again(record)
        if kept is not None:
            self.kept += 1
            return OutputFile(output_file(path), kept, kept_as=record[0])  # type: ignore[index]  # checked by _given_again
        if self._only_kept:
            raise _NotKept
        outer, self._reads = self._reads, []
        try:
            data = make().encode("utf-8")
            reads = self._reads
        finally:
            self._reads = outer
        self.made += 1
        if all(answer is not None for *_, answer in reads):
            self.memo.put(KIND, key, [content_name(data), [list(read) for read in dict.fromkeys(reads)]])
        return OutputFile(output_file(path), data)

    def asked(self, question: tuple, answer: object) -> None:
        """A question the page being made asked of the site (none is written down outside a page)."""
        if self._reads is None:
            return
        self._reads.append((*question, self._answer(question, lambda: answer)))

    def cards(self, fragments, kind: Hashable, items: Iterable, make: Callable[[object], object]) -> list:
        """`fragments.get_all(kind, items, make)`, with the questions each card's making asked
        written down in the record of every page that shows it (a card is made once a build)."""
        items = list(items)
        made_now: set[int] = set()

        def made(item):
            start = len(self._reads) if self._reads is not None else None
            fragment = make(item)
            if start is not None and self._reads is not None:
                self._fragment_reads[(kind, id(item))] = self._reads[start:]
                made_now.add(id(item))
            return fragment

        found = fragments.get_all(kind, items, made)
        if self._reads is not None:
            for item in items:
                if id(item) not in made_now:  # kept from another page: its questions, or the whole site when not known
                    self._reads += self._fragment_reads.get((kind, id(item)), [(WHOLE_SITE, "", None, self._answer((WHOLE_SITE, "", None), lambda: None))])
        return found

    def _answer(self, question: tuple, answer: Callable[[], object]) -> bytes | None:
        """Today's answer's digest (each question is answered once a build)."""
        if question not in self._answers:
            kind, name, args = question
            if kind == WHOLE_SITE:
                self._answers[question] = digest_of(self.site)
            else:
                self._answers[question] = digest_of(self._stand_in(answer()))
        return self._answers[question]

    def _stand_in(self, value: object) -> object:
        """`value` with each entry (`EntryOnDay`) in it, or in lists and tuples in it, as the digest of
        all of it: each is pickled once a build, not once for each listing and page it is on."""
        if isinstance(value, EntryOnDay):
            found = self._entries.get(id(value))
            if found is None or found[0] is not value:
                found = self._entries[id(value)] = (value, digest_of(value))
            return ("an entry on the day, by its digest", found[1]) if found[1] is not None else value
        if type(value) in (list, tuple):
            return (type(value).__name__, *map(self._stand_in, value))  # type: ignore[call-overload]
        if isinstance(value, Theme):  # a theme's page lists its entries: each of its fields, the entries by their digests
            return ("a theme", *((item.name, self._stand_in(getattr(value, item.name))) for item in fields(value)))
        return value

    def _given_again(self, record: object) -> bytes | None:
        """The kept page's bytes when its record's every question has today the same answer and its
        file in the store is whole; None otherwise (the page is made again)."""
        if not (isinstance(record, list) and len(record) == 2 and isinstance(record[0], str) and isinstance(record[1], list)):
            return None
        name, reads = record
        for read in reads:
            if not (isinstance(read, list) and len(read) == 4):
                return None
            kind, attribute, args, answer = read
            if not isinstance(answer, bytes) or answer != self._today(kind, attribute, args):
                return None
        try:
            data = read_kept(self.store / name)
        except (OSError, ValueError):
            return None
        return data if content_name(data) == name else None

    def _today(self, kind: object, name: object, args: object) -> bytes | None:
        """Today's answer's digest to a question a page asked in an earlier build."""
        try:
            if kind == WHOLE_SITE:
                return self._answer((WHOLE_SITE, "", None), lambda: None)
            if not isinstance(name, str) or name.startswith("_"):
                return None
            if kind == "get" and args is None:
                return self._answer(("get", name, None), lambda: getattr(self.site, name))
            if kind == "call" and isinstance(args, bytes):
                values = self._args_today(marshal.loads(args))  # plain data only (`_kept_args`): never code or objects
                if values is None:
                    return None
                return self._answer(("call", name, args), lambda: getattr(self.site, name)(*values))
        except Exception:  # noqa: BLE001 - a question that cannot be asked today: the page is made again
            return None
        return None

    def _args_today(self, kept: object) -> tuple | None:
        """The arguments `_kept_args` kept, with today's entries at the addresses kept (None: not all found)."""
        if self._by_address is None:
            found: dict[str, EntryOnDay | None] = {}
            for entry_on_day in self.site.entries:  # type: ignore[attr-defined]
                url = entry_on_day.entry.url
                found[url] = None if url in found else entry_on_day  # two at one address: neither is found
            self._by_address = found
        if not isinstance(kept, tuple):
            return None
        values = []
        for item in kept:
            if not (isinstance(item, tuple) and len(item) == 2):
                return None
            how, value = item
            if how == "value":
                values.append(value)
                continue
            entry_on_day = self._by_address.get(value) if isinstance(value, str) else None
            if entry_on_day is None or how not in ("entry", "entry on day"):
                return None
            values.append(entry_on_day.entry if how == "entry" else entry_on_day)
        return tuple(values)

    def reads_day(self, template: str) -> bool:
        """Whether `template`, or any template it extends, includes or imports, can read the day
        (`as_of`); true when it cannot be told (a template named by a variable)."""
        if template not in self._reads_day:
            # sitegen's own templates only (see the module's description), so the memo's code stamp covers them
            self._reads_day[template] = bool(self.memo.get("reads the day", template, lambda name: _reads_name(self.env, name, "as_of", self._parsed)))
        return self._reads_day[template]


def _reads_name(env: jinja2.Environment, template: str, name: str, parsed: dict[str, tuple[bool, list]]) -> bool:
    """Whether `template` or any it names reads `name`; `parsed`: what each template read and named, found once a build."""
    bare = env.overlay()  # the same filters, with no globals: Jinja does not count a name it has as a global as read
    bare.globals = {}
    seen: set[str] = set()
    todo = [template]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if current not in parsed:
            try:
                tree = bare.parse(env.loader.get_source(env, current)[0])  # type: ignore[union-attr]
                parsed[current] = (name in meta.find_undeclared_variables(tree), list(meta.find_referenced_templates(tree)))
            except Exception:  # noqa: BLE001 - a template that cannot be read: as if it read everything
                parsed[current] = (True, [])
        reads, referenced = parsed[current]
        if reads or None in referenced:
            return True
        todo += referenced
    return False
