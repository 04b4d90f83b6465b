// Search as you type over /search (questions, keyword notes and tables), with topic facets,
// "did you mean" suggestions and keyboard navigation. The query lives in the URL
// (/?q=warp&topic=cuda): a burst of typing makes one history entry, so reload, sharing
// and the back button all work. With an empty query the page lists every entry.

const input = document.getElementById('q');
const form = document.getElementById('search-form');
const list = document.getElementById('results');
const status = document.getElementById('status');
const suggestions = document.getElementById('suggestions');
const facetsBox = document.querySelector('.facets');
const facetsList = document.getElementById('facets');

const KIND_LABEL = { question: 'Question', keyword: 'Keyword', table: 'Table' };
const DEBOUNCE_MS = 120;
const NEW_ENTRY_AFTER_MS = 1500; // a pause this long starts a new history entry

let state = readURL();
let controller = null;
let timer = 0;
let lastChange = 0;

function readURL() {
  const params = new URLSearchParams(location.search);
  return { q: params.get('q') || '', topic: params.get('topic') || '' };
}

function urlFor(s) {
  const params = new URLSearchParams();
  if (s.q) params.set('q', s.q);
  if (s.topic) params.set('topic', s.topic);
  const query = params.toString();
  return query ? `/?${query}` : '/';
}

/** Records the state in the URL: 'push' a new history entry, 'replace' the current one. */
function record(s, mode) {
  const url = urlFor(s);
  if (url !== location.pathname + location.search) history[mode === 'push' ? 'pushState' : 'replaceState'](s, '', url);
  document.title = s.q ? `${s.q} · Search · hpclab` : 'Search · hpclab';
}

async function getJSON(url, signal) {
  const response = await fetch(url, { headers: { Accept: 'application/json' }, signal });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail || `${response.status} ${response.statusText}`);
  return body;
}

/** Every entry (or the questions of one topic) when there is no query. */
async function browse(topic, signal) {
  if (topic) return getJSON(`/questions?topic=${encodeURIComponent(topic)}`, signal);
  const [questions, keywords, tables] = await Promise.all(
    ['/questions', '/keywords', '/tables'].map((url) => getJSON(url, signal)));
  return {
    mode: 'list',
    total: questions.total + keywords.total + tables.total,
    results: [...questions.results, ...keywords.results, ...tables.results],
    facets: questions.facets,
    suggestions: [],
    counts: { question: questions.total, keyword: keywords.total, table: tables.total },
  };
}

async function search(s) {
  controller?.abort();
  controller = new AbortController();
  const { signal } = controller;
  const text = s.q.trim();
  try {
    let data;
    if (text) {
      const params = new URLSearchParams({ q: text, limit: '40' });
      if (s.topic) params.set('topic', s.topic);
      data = await getJSON(`/search?${params}`, signal);
    } else {
      data = await browse(s.topic, signal);
    }
    render(s, data);
  } catch (error) {
    if (error.name === 'AbortError') return;
    list.replaceChildren();
    status.textContent = `The search failed: ${error.message}`;
    status.classList.add('error');
  }
}

// ---- Rendering ----------------------------------------------------------------------------

/** A title as written in the corpus: `code` spans in backticks, the rest as text. */
function titleNodes(title) {
  return title.split('`').map((part, index) => {
    if (index % 2 === 0) return document.createTextNode(part);
    const code = document.createElement('code');
    code.textContent = part;
    return code;
  });
}

/** The server's snippet is escaped HTML with <mark>; only text and <mark> are kept. */
function snippetNodes(html) {
  const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, 'text/html').body.firstChild;
  return [...parsed.childNodes].map((node) => {
    if (node.nodeName === 'MARK') {
      const mark = document.createElement('mark');
      mark.textContent = node.textContent;
      return mark;
    }
    return document.createTextNode(node.textContent);
  });
}

function element(name, attributes = {}, children = []) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

function renderResult(hit) {
  const link = element('a', { class: 'result-link', href: hit.href }, [
    element('span', { class: `kind kind-${hit.kind}` }, [KIND_LABEL[hit.kind] || hit.kind]),
    ' ',
    element('span', { class: 'result-title' }, titleNodes(hit.title)),
  ]);
  const item = element('li', { class: 'result' }, [link]);
  if (hit.snippet) item.append(element('p', { class: 'snippet' }, snippetNodes(hit.snippet)));
  if (hit.topics?.length) {
    item.append(element('ul', { class: 'chips', 'aria-label': 'Topics' },
      hit.topics.map((topic) => element('li', {}, [element('span', { class: 'chip' }, [topic])]))));
  }
  return item;
}

function render(s, data) {
  status.classList.remove('error');
  list.replaceChildren(...data.results.map(renderResult));

  const text = s.q.trim();
  const topic = s.topic ? ` in ${s.topic}` : '';
  if (!text) {
    status.textContent = data.counts
      ? `${data.counts.question} questions, ${data.counts.keyword} keyword notes and ${data.counts.table} tables.`
      : `${data.total} questions${topic}.`;
  } else if (data.total === 0) {
    status.textContent = `Nothing found for “${text}”${topic}.`;
  } else {
    const shown = data.results.length < data.total ? `, the first ${data.results.length} shown` : '';
    const relaxed = data.relaxed ? ' No entry has every word; these have some of them.' : '';
    const took = typeof data.took_ms === 'number' ? ` (${data.took_ms.toFixed(1)} ms)` : '';
    status.textContent = `${data.total} result${data.total === 1 ? '' : 's'} for “${text}”${topic}${shown}${took}.${relaxed}`;
  }

  suggestions.replaceChildren();
  suggestions.hidden = !data.suggestions?.length;
  if (data.suggestions?.length) {
    suggestions.append('Did you mean ');
    data.suggestions.forEach((suggestion, index) => {
      if (index > 0) suggestions.append(index === data.suggestions.length - 1 ? ' or ' : ', ');
      const link = element('a', { href: urlFor({ q: suggestion, topic: s.topic }) }, [suggestion]);
      link.addEventListener('click', (event) => {
        event.preventDefault();
        navigate({ q: suggestion, topic: s.topic });
      });
      suggestions.append(link);
    });
    suggestions.append('?');
  }

  renderFacets(s, data.facets?.topic || {});
}

function renderFacets(s, counts) {
  const topics = Object.keys(counts).sort((a, b) => counts[b] - counts[a] || a.localeCompare(b));
  if (s.topic && !topics.includes(s.topic)) topics.unshift(s.topic);
  facetsBox.hidden = topics.length === 0;
  facetsList.replaceChildren(...topics.map((topic) => {
    const active = topic === s.topic;
    const next = { q: s.q, topic: active ? '' : topic };
    const link = element('a', {
      class: 'chip', href: urlFor(next), 'aria-pressed': String(active),
      'aria-label': `${topic}, ${counts[topic] ?? 0} ${active ? '(filtering; select to clear)' : ''}`.trim(),
    }, [topic, ' ', element('span', { class: 'count' }, [String(counts[topic] ?? 0)])]);
    link.addEventListener('click', (event) => {
      event.preventDefault();
      navigate(next);
    });
    return element('li', {}, [link]);
  }));
}

/** A deliberate change (suggestion, facet): a new history entry and an immediate search. */
function navigate(next) {
  clearTimeout(timer);
  state = next;
  input.value = next.q;
  record(state, 'push');
  lastChange = Date.now();
  search(state);
}

// ---- Events -------------------------------------------------------------------------------

input.addEventListener('input', () => {
  clearTimeout(timer);
  timer = setTimeout(() => {
    const now = Date.now();
    const mode = now - lastChange > NEW_ENTRY_AFTER_MS ? 'push' : 'replace';
    lastChange = now;
    state = { q: input.value, topic: state.topic };
    record(state, mode);
    search(state);
  }, DEBOUNCE_MS);
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  clearTimeout(timer);
  state = { q: input.value, topic: state.topic };
  record(state, 'replace');
  search(state);
  list.querySelector('.result-link')?.focus();
});

window.addEventListener('popstate', () => {
  clearTimeout(timer);
  state = readURL();
  input.value = state.q;
  search(state);
});

function resultLinks() { return [...list.querySelectorAll('.result-link')]; }

input.addEventListener('keydown', (event) => {
  if (event.key === 'ArrowDown') {
    const first = resultLinks()[0];
    if (first) { event.preventDefault(); first.focus(); }
  }
});

list.addEventListener('keydown', (event) => {
  const links = resultLinks();
  const index = links.indexOf(document.activeElement);
  if (index < 0) return;
  if (event.key === 'ArrowDown' && index < links.length - 1) {
    event.preventDefault();
    links[index + 1].focus();
  } else if (event.key === 'ArrowUp') {
    event.preventDefault();
    (index > 0 ? links[index - 1] : input).focus();
  } else if (event.key === 'Escape') {
    event.preventDefault();
    input.focus();
  }
});

document.addEventListener('keydown', (event) => {
  if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest('input, textarea, select, [contenteditable="true"]')) return;
  event.preventDefault();
  input.focus();
  input.select();
});

input.value = state.q;
history.replaceState(state, '', location.href);
record(state, 'replace');
search(state);
if (!state.q) input.focus();
