// Site search with Pagefind, as progressive enhancement.
// Without JavaScript the search page explains itself (in <noscript>, so that nothing on the page
// moves as this script starts) and links every listing;
// with it, this script searches the index in /pagefind/ (pages and the text of
// the reports) and shows the results on the same page. A large site's index is
// in parts, listed in /pagefind/start.json: they are searched together as one.

const form = document.querySelector(".search-form");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const filterBox = document.getElementById("search-filters");
const FILTERS = [["type", "Type"], ["year", "Year published"], ["theme", "Theme"]];
const SHOWN = 10; // results shown at once: only their fragments are fetched

let pagefind = null;
let filtersShown = null;

// The index's scripts and every part's metadata, fetched once, as soon as the search page opens.
// /pagefind/start.json (which the page asks for as it loads) lists each index with the tag of its
// entry file, and every file Pagefind fetches to start them, rather than one after another as
// Pagefind's script would (its entry file, then its metadata and WebAssembly, then each part's
// entry file, then each part's metadata). The small ones, every index's entry and metadata files,
// come in start.json itself (`inline`): Pagefind's fetches of them are answered from it
// (`answerFrom`), so a browser that asks six files at a time (HTTP/1.1) does not queue them. The
// rest (the WebAssembly) are asked for at once, as preloads. Pagefind runs in the page rather
// than in a worker of its own (`noWorker`), so that its fetches are the page's and are answered so;
// the parts are merged all at once and share one WebAssembly.
function engine() {
  if (!pagefind) {
    const bundle = form.dataset.bundle;
    pagefind = Promise.all([
      import(bundle + "pagefind.js"),
      fetch(bundle + "start.json").then(async (response) => {
        if (!response.ok) throw new Error("no list of the index's parts");
        const listed = await response.json();
        const inline = listed.inline || {};
        answerFrom(bundle, inline);
        for (const address of listed.preload) { // at once, without waiting for Pagefind's script
          if (Object.prototype.hasOwnProperty.call(inline, address)) continue;
          document.head.append(element("link", { rel: "preload", as: "fetch", crossorigin: "anonymous", href: bundle + address }));
        }
        return listed;
      }),
    ]).then(async ([engine, listed]) => {
      const [main, ...parts] = listed.indexes;
      // addresses in the index are complete already (baseUrl); the tags make the entry files' addresses the preloads'
      await engine.options({ baseUrl: "/", noWorker: true, metaCacheTag: main.tag });
      await Promise.all(parts.map((part) => engine.mergeIndex(bundle + part.folder, { baseUrl: "/", metaCacheTag: part.tag })));
      return engine;
    });
    pagefind.catch(() => { pagefind = null; }); // tried again at the next search
  }
  return pagefind;
}

// Pagefind's fetch of a file whose bytes start.json holds (`inline`: each address below the bundle,
// its bytes in base64) is answered with those bytes, once, without asking the server; every other
// fetch goes to the server as it would have.
function answerFrom(bundle, inline) {
  const held = new Map();
  for (const [address, data] of Object.entries(inline)) held.set(new URL(bundle + address, document.baseURI).href, data);
  if (!held.size) return;
  const network = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const address = typeof input === "string" || input instanceof URL ? new URL(input, document.baseURI).href : "";
    const data = held.get(address);
    if (data === undefined) return network(input, init);
    held.delete(address);
    return Promise.resolve(new Response(Uint8Array.from(atob(data), (c) => c.charCodeAt(0))));
  };
}

// The filters need every part's filter files: they are fetched after the first results are shown,
// not before (with a filter in the address, the search waits for them: see `run`).
function showFilters(search) {
  if (!filtersShown) {
    filtersShown = search.filters().then(addFilters);
    filtersShown.catch(() => { filtersShown = null; });
  }
  return filtersShown;
}

function element(name, attributes = {}, text = "") {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

async function addFilters(available) {
  const fieldset = element("fieldset");
  fieldset.append(element("legend", {}, "Narrow the results"));
  for (const [key, label] of FILTERS) {
    const values = Object.keys(available[key] || {}).sort();
    if (key === "year") values.reverse();
    if (!values.length) continue;
    const id = "search-filter-" + key;
    const select = element("select", { id, name: key });
    select.append(element("option", { value: "" }, "Any"));
    for (const value of values) select.append(element("option", { value }, value));
    select.addEventListener("change", () => run(input.value));
    const wrapper = element("div", { class: "search-filter" });
    wrapper.append(element("label", { for: id }, label), select);
    fieldset.append(wrapper);
  }
  filterBox.replaceChildren(fieldset);
  filterBox.hidden = false;
  const params = new URLSearchParams(window.location.search);
  for (const [key] of FILTERS) {
    const select = document.getElementById("search-filter-" + key);
    if (select && params.get(key)) select.value = params.get(key);
  }
}

function chosenFilters() {
  const chosen = {};
  for (const [key] of FILTERS) {
    const select = document.getElementById("search-filter-" + key);
    if (select && select.value) chosen[key] = select.value;
  }
  return chosen;
}

// One item per page: a document's address is its block on the page that lists it.
function group(results) {
  const items = new Map();
  for (const data of results) {
    const url = data.url.split("#")[0];
    const item = items.get(url) || { url, title: "", type: "", excerpt: "", documents: [] };
    const meta = data.meta || {};
    if (meta.document) {
      item.documents.push(meta.document);
      item.title = item.title || meta.entry || data.url;
    } else {
      item.title = meta.title || item.title || data.url;
    }
    item.type = item.type || ((data.filters || {}).type || [])[0] || "";
    item.excerpt = item.excerpt || data.excerpt;
    items.set(url, item);
  }
  return [...items.values()];
}

// Pagefind marks the words found with <mark>; everything else in an excerpt is text,
// even if it looks like markup, so it is added as text and never parsed as HTML.
function highlighted(excerpt) {
  const paragraph = element("p", { class: "card-summary" });
  let marked = false;
  for (const part of (excerpt || "").split(/(<mark>|<\/mark>)/)) {
    if (part === "<mark>" || part === "</mark>") marked = part === "<mark>";
    else if (part) paragraph.append(marked ? element("mark", {}, part) : document.createTextNode(part));
  }
  return paragraph;
}

function show(items) {
  list.replaceChildren(...items.map((item) => {
    const li = element("li", { class: "card" });
    if (item.type) li.append(element("p", { class: "card-type" }, item.type));
    const heading = element("h2", { class: "card-title" });
    heading.append(element("a", { href: item.url }, item.title));
    li.append(heading);
    li.append(highlighted(item.excerpt));
    if (item.documents.length) {
      li.append(element("p", { class: "meta" }, "Found in: " + item.documents.join(", ")));
    }
    return li;
  }));
}

// Pages for the first `count` items: each result's fragment is fetched only when it is shown, ten at
// a time, so a common word costs ten small files rather than one for every match. Each is shown as
// soon as its fragment and those before it have come (`showSoFar`): the first result does not wait
// for the tenth's fragment (over HTTP/1.1 a browser fetches six at a time).
async function firstItems(results, count, showSoFar) {
  let items = [];
  const loaded = [];
  for (let start = 0; start < results.length && items.length < count; start += SHOWN) {
    for (const pending of results.slice(start, start + SHOWN).map((r) => r.data())) {
      loaded.push(await pending);
      items = group(loaded);
      showSoFar(items.slice(0, count));
    }
  }
  return { items: items.slice(0, count), more: items.length > count || loaded.length < results.length };
}

let shownCount = SHOWN; // items shown now ("Show more results" adds ten)
let searches = 0; // searches started: only the latest shows what it found

async function run(query, count = SHOWN) {
  query = query.trim();
  const asked = new URLSearchParams(window.location.search);
  if (!filtersShown && FILTERS.some(([key]) => asked.get(key))) {
    // A filter in the address (a shared link): its choice is made once the filters are shown.
    await engine().then(showFilters).catch(() => {}); // without them, the search below says it is not working
  }
  const filters = chosenFilters();
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [key, value] of Object.entries(filters)) params.set(key, value);
  window.history.replaceState(null, "", params.toString() ? "?" + params : window.location.pathname);
  if (!query && !Object.keys(filters).length) {
    list.replaceChildren();
    status.textContent = "";
    moreButton.hidden = true;
    return;
  }
  status.textContent = "Searching…";
  const mine = ++searches; // a later search's results are never overwritten by this one's
  try {
    const search = await engine();
    const found = await search.search(query || null, { filters });
    const { items, more } = await firstItems(found.results, count, (soFar) => { if (mine === searches) show(soFar); });
    if (mine !== searches) return;
    shownCount = count;
    show(items);
    moreButton.hidden = !more;
    const about = query ? ` for “${query}”` : "";
    status.textContent = items.length
      ? `${more ? "The first " + items.length : items.length} page${items.length === 1 ? "" : "s"} found${about}.`
      : `Nothing found${about}. Try another word, or browse the lists below.`;
    showFilters(search).catch(() => {}); // the search works without them
  } catch (error) {
    if (mine !== searches) return;
    list.replaceChildren();
    moreButton.hidden = true;
    status.textContent = "The search is not working at the moment. You can browse every review and briefing below.";
  }
}

const moreButton = element("button", { type: "button", class: "search-more", hidden: "" }, "Show more results");
list.after(moreButton);
moreButton.addEventListener("click", async () => {
  const first = shownCount; // the first new result takes the focus (the button may go)
  await run(input.value, shownCount + SHOWN);
  const links = list.querySelectorAll(".card-title a");
  if (links[first]) links[first].focus();
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  run(input.value);
});

// The reader is about to search: fetch the index's scripts and metadata meanwhile, and, once they
// stop typing for a moment, the part of the word index their words need (Pagefind's preload).
input.addEventListener("focus", () => engine().catch(() => {}), { once: true });
let typing = null;
input.addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(() => {
    const words = input.value.trim();
    if (words) engine().then((search) => search.preload(words)).catch(() => {});
  }, 300);
});

const initial = new URLSearchParams(window.location.search);
if (initial.get("q") || FILTERS.some(([key]) => initial.get(key))) {
  input.value = initial.get("q") || "";
  run(input.value);
} else {
  // Whoever opens the search page is about to search: the index starts (Pagefind's scripts, its
  // WebAssembly and each part's small entry and metadata files, about 150 kB at 14 parts) while
  // they read the page and type, not after they press Search. The word index waits for their words.
  engine().catch(() => {});
}
