// The experiments on a question page: a form per experiment built from its kind's parameters
// (GET /jobs/kinds: the one parameter schema each kind declares in Compute),
// Run → POST /jobs/{kind}, live progress from the job's Server-Sent Events, Cancel → DELETE,
// and the result as a summary, a table of figures and an SVG chart. Matmul also has a
// compare mode: BLAS, OpenCL and the plain loop one after another, as bars of GFLOP/s.

import { barChart, lineChart, formatNumber, withUnit } from './charts.js';

const section = document.getElementById('experiments');
const TOKEN_KEY = 'hpclab-token';
const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);
const COMPARE_MAX_N = 512;

const BACKEND_NAME = { blas: 'OpenBLAS', opencl: 'OpenCL', 'cpu-naive': 'the plain loop' };

// ---- Kinds ----------------------------------------------------------------------------------

/** A parameter as GET /jobs/kinds lists it (one shape for every kind), in the form's terms. */
function normalizeParameter(p) {
  return {
    name: p.name,
    type: p.type === 'int' ? 'integer' : p.type,
    default: p.default ?? null,
    min: p.min ?? null,
    max: p.max ?? null,
    choices: p.allowed ?? null,
    unit: p.unit ?? null,
    description: p.description ?? '',
    appliesWhen: p.applies_when ?? null,
  };
}

function normalizeKind(k) {
  return {
    kind: k.kind,
    title: k.title || k.kind,
    description: k.description || '',
    available: k.available !== false,
    reason: k.reason || null,
    questions: k.questions || [],
    // The form offers what a person types; matmul's inline matrices are for API clients.
    parameters: (k.parameters || []).filter((p) => p.type !== 'matrix').map(normalizeParameter),
  };
}

async function loadKinds() {
  let listed = [];
  try {
    const response = await fetch('/jobs/kinds', { headers: { Accept: 'application/json' } });
    if (response.ok) listed = (await response.json()).kinds || [];
  } catch {
    // No kinds listed: every panel says the kind does not run here.
  }
  return new Map(listed.map((k) => [k.kind, normalizeKind(k)]));
}

// ---- Jobs over HTTP ---------------------------------------------------------------------------

class Problem extends Error {
  constructor(status, body, retryAfter) {
    super(body.detail || body.title || `HTTP ${status}`);
    this.status = status;
    this.field = body.field;
    this.retryAfter = retryAfter;
  }
}

function requestHeaders(extra = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}), ...extra };
}

async function submit(kind, params) {
  const response = await fetch(`/jobs/${encodeURIComponent(kind)}`, {
    method: 'POST', headers: requestHeaders({ 'Content-Type': 'application/json' }), body: JSON.stringify(params),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Problem(response.status, body, response.headers.get('Retry-After'));
  return body;
}

async function cancelJob(id) {
  const response = await fetch(`/jobs/${encodeURIComponent(id)}`, { method: 'DELETE', headers: requestHeaders() });
  if (!response.ok && response.status !== 409) {
    throw new Problem(response.status, await response.json().catch(() => ({})));
  }
}

/** Long-polls until the job finishes (used when the event stream cannot be kept open). */
async function poll(id) {
  for (;;) {
    const response = await fetch(`/jobs/${encodeURIComponent(id)}?wait=20`, { headers: { Accept: 'application/json' } });
    const job = await response.json();
    if (!response.ok) throw new Problem(response.status, job);
    if (FINISHED.has(job.status)) return job;
  }
}

/** Follows a job's events to its end; `onUpdate` gets each progress and status. */
function follow(job, onUpdate) {
  if (FINISHED.has(job.status)) return Promise.resolve(job);
  return new Promise((resolve, reject) => {
    let settled = false;
    const source = new EventSource(job.links?.events || `/jobs/${job.id}/events`);
    const finish = (final) => {
      if (settled) return;
      settled = true;
      source.close();
      resolve(final);
    };
    source.addEventListener('progress', (event) => onUpdate({ progress: JSON.parse(event.data).progress }));
    source.addEventListener('status', (event) => {
      const update = JSON.parse(event.data);
      onUpdate(update);
      if (FINISHED.has(update.status)) finish(update);
    });
    // The stream ends after the final status, which `finish` has seen; an error before that
    // (a proxy that buffers, a dropped connection) falls back to long-polling.
    source.onerror = () => {
      if (settled) return;
      source.close();
      poll(job.id).then(finish, (error) => { settled = true; reject(error); });
    };
  });
}

// ---- DOM helpers ------------------------------------------------------------------------------

function el(name, attributes = {}, children = []) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(key, value === true ? '' : value);
  }
  node.append(...children);
  return node;
}

function figuresTable(rows) {
  return el('div', { class: 'table-wrap' }, [el('table', { class: 'data figures' }, [
    el('thead', {}, [el('tr', {}, [el('th', { scope: 'col' }, ['Figure']), el('th', { scope: 'col' }, ['Value'])])]),
    el('tbody', {}, rows.map(([label, value]) =>
      el('tr', {}, [el('th', { scope: 'row' }, [label]), el('td', { class: 'num' }, [value])]))),
  ])]);
}

function seconds(value) {
  if (typeof value !== 'number') return 'n/a';
  if (value < 1e-3) return `${formatNumber(value * 1e6)}\u00a0µs`;
  return value < 1 ? `${formatNumber(value * 1000)}\u00a0ms` : `${formatNumber(value)}\u00a0s`;
}

/** Figures as an array [{name, value, unit, label}], from either an array or an object by name. */
function figuresOf(result) {
  const figures = result.figures;
  if (Array.isArray(figures)) return figures.map((f) => ({ ...f, label: f.label || f.name }));
  if (figures && typeof figures === 'object') {
    return Object.entries(figures).map(([name, f]) =>
      (f && typeof f === 'object' ? { name, label: f.label || name, value: f.value, unit: f.unit || '' } : { name, label: name, value: f, unit: '' }));
  }
  return [];
}

// ---- One experiment ---------------------------------------------------------------------------

let panels = 0;

class Panel {
  constructor(article, kind) {
    this.article = article;
    this.kind = kind;
    this.id = article.id || `experiment-${++panels}`;
    article.id = this.id;
    this.preset = JSON.parse(article.dataset.params || '{}');
    this.history = []; // matmul runs on this page, as bars
    this.jobId = null;
    this.stopRequested = false;
    this.build();
  }

  build() {
    const { kind, article } = this;
    if (!article.querySelector('h3')) article.prepend(el('h3', {}, [article.dataset.title || kind.title]));
    article.querySelector('noscript')?.remove();
    if (kind.description) article.append(el('p', { class: 'muted' }, [kind.description]));

    this.fields = new Map();
    const fieldset = el('fieldset', {}, [el('legend', {}, ['Parameters'])]);
    for (const p of kind.parameters) fieldset.append(this.field(p));
    this.fixed = Object.fromEntries(Object.entries(this.preset).filter(([name]) => !this.fields.has(name)));

    this.runButton = el('button', { type: 'submit', class: 'primary run' }, ['Run']);
    this.cancelButton = el('button', { type: 'button', class: 'cancel', disabled: true }, ['Cancel']);
    const actions = el('div', { class: 'actions' }, [this.runButton, this.cancelButton]);
    if (kind.kind === 'matmul') {
      this.compareButton = el('button', { type: 'button', class: 'compare' }, ['Compare backends']);
      this.compareButton.addEventListener('click', () => this.compare());
      actions.append(this.compareButton);
    }
    this.progress = el('progress', { max: '1', value: '0', 'aria-label': `Progress of ${kind.title}` });
    this.status = el('span', { class: 'run-status', role: 'status' }, [kind.available ? 'Ready.' : `Unavailable here: ${kind.reason}`]);
    this.tokenInput = el('input', { type: 'password', id: `${this.id}-token`, autocomplete: 'off' });
    this.tokenField = el('div', { class: 'token-field', hidden: true }, [
      el('label', { for: `${this.id}-token` }, ['Bearer token (this server requires one to run jobs)']), this.tokenInput,
    ]);
    this.form = el('form', { class: 'params', 'aria-label': `Parameters of ${kind.title}` }, [
      fieldset, this.tokenField, actions, el('div', { class: 'progress-row' }, [this.progress, this.status]),
    ]);
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.runOnce();
    });
    this.cancelButton.addEventListener('click', () => this.cancel());
    this.runButton.disabled = !kind.available;

    this.output = el('div', { class: 'output', 'aria-live': 'polite' });
    article.append(el('div', { class: 'experiment-body' }, [this.form, this.output]));
    article.dataset.state = 'idle';
    this.updateApplicability();
  }

  field(p) {
    const id = `${this.id}-${p.name}`;
    const hintId = `${id}-hint`;
    const preset = this.preset[p.name];
    const value = preset ?? p.default;
    let control;
    if (p.choices) {
      control = el('select', { id, name: p.name, 'aria-describedby': hintId },
        p.choices.map((choice) => el('option', { value: String(choice), selected: String(choice) === String(value) }, [String(choice)])));
      control.addEventListener('change', () => this.updateApplicability());
    } else {
      control = el('input', {
        id, name: p.name, type: 'number', inputmode: p.type === 'integer' ? 'numeric' : 'decimal',
        step: p.type === 'integer' ? '1' : 'any', min: p.min ?? null, max: p.max ?? null,
        value: value ?? '', placeholder: value === null || value === undefined ? 'auto' : null,
        required: p.default !== null, 'aria-describedby': hintId,
      });
      control.addEventListener('input', () => control.removeAttribute('aria-invalid'));
    }
    const limits = [];
    if (p.default !== null && p.default !== undefined) limits.push(`default ${p.default}`);
    const limit = (v) => (Number.isInteger(v) ? v.toLocaleString('en') : formatNumber(v));
    if (p.min !== null && p.max !== null) limits.push(`${limit(p.min)}–${limit(p.max)}`);
    const hint = [p.description.replace(/\.$/, ''), limits.join(', ')].filter(Boolean).join('; ');
    const label = el('label', { for: id }, [p.name, p.unit ? el('span', { class: 'muted' }, [` (${p.unit})`]) : '']);
    const wrapper = el('div', { class: 'field' }, [label, control, el('p', { class: 'hint', id: hintId }, [hint])]);
    this.fields.set(p.name, { p, control, wrapper });
    return wrapper;
  }

  /** Disables fields that apply only with another field's value (matmul's kernel with opencl). */
  updateApplicability() {
    for (const { p, control, wrapper } of this.fields.values()) {
      if (!p.appliesWhen) continue;
      const applies = Object.entries(p.appliesWhen).every(([name, wanted]) => this.fields.get(name)?.control.value === wanted);
      control.disabled = !applies;
      wrapper.classList.toggle('inactive', !applies);
    }
  }

  values() {
    const params = { ...this.fixed };
    for (const { p, control } of this.fields.values()) {
      if (control.disabled || control.value === '') continue;
      params[p.name] = p.type === 'choice' && !(p.choices || []).every((c) => typeof c === 'number')
        ? control.value : Number(control.value);
    }
    return params;
  }

  setStatus(text, isError = false) {
    this.status.textContent = text;
    this.status.classList.toggle('error', isError);
  }

  setRunning(running) {
    this.runButton.disabled = running || !this.kind.available;
    if (this.compareButton) this.compareButton.disabled = running;
    this.cancelButton.disabled = !running;
    for (const { control } of this.fields.values()) control.toggleAttribute('readonly', running);
    if (running) {
      this.stopRequested = false;
      this.article.dataset.state = 'running';
      this.progress.value = 0;
    }
  }

  /** Submits one job and follows it; progress maps into [base, base + share] of the bar. */
  async runJob(params, { base = 0, share = 1, label = '' } = {}) {
    const saved = this.tokenInput.value.trim();
    if (saved) sessionStorage.setItem(TOKEN_KEY, saved);
    this.setStatus(`${label}Submitting…`);
    let job;
    try {
      job = await submit(this.kind.kind, params);
    } catch (error) {
      if (error.status === 401) {
        this.tokenField.hidden = false;
        this.tokenInput.focus();
      }
      if (error.field && this.fields.has(error.field)) this.fields.get(error.field).control.setAttribute('aria-invalid', 'true');
      throw error;
    }
    this.jobId = job.id;
    if (this.stopRequested) await cancelJob(job.id).catch(() => {});
    const show = (update) => {
      if (typeof update.progress === 'number') this.progress.value = base + share * update.progress;
      const percent = Math.round((update.progress ?? 0) * 100);
      if (update.status && !FINISHED.has(update.status)) this.setStatus(`${label}${update.status} (${percent}%)…`);
      else if (!update.status) this.setStatus(`${label}running (${percent}%)…`);
    };
    show(job);
    try {
      return await follow(job, show);
    } finally {
      this.jobId = null;
    }
  }

  async runOnce() {
    if (!this.form.reportValidity()) return;
    const params = this.values();
    this.setRunning(true);
    let state = 'failed';
    try {
      const job = await this.runJob(params);
      state = job.status;
      this.progress.value = job.status === 'succeeded' ? 1 : this.progress.value;
      if (job.status === 'succeeded') {
        this.setStatus(`Finished in ${seconds(durationOf(job))}.`);
        if (this.kind.kind === 'matmul') this.showMatmul(job);
        else this.showOutcome(job);
        this.showPrediction();
      } else if (job.status === 'cancelled') {
        this.setStatus('Cancelled.');
      } else {
        this.setStatus(`Failed: ${job.error?.detail || job.error?.reason || 'unknown error'}`, true);
      }
      this.jobLink(job);
    } catch (error) {
      this.setStatus(this.describe(error), true);
    } finally {
      this.setRunning(false);
      this.article.dataset.state = state;
    }
  }

  /** On an exercise: the reader's prediction above the measurement, and the explanation opened. */
  showPrediction() {
    const input = this.article.querySelector('textarea.prediction-input');
    if (!input) return;
    const text = input.value.trim();
    this.output.prepend(el('p', { class: 'prediction-shown' }, [
      el('strong', {}, ['Your prediction: ']), text || '(none written)',
      el('br'), el('strong', {}, ['Measured here: ']), 'below.',
    ]));
    const details = this.article.querySelector('details.explanation');
    if (details) details.open = true;
  }

  describe(error) {
    if (error.status === 401) return 'This server needs a token to run jobs: enter it above and run again.';
    if (error.status === 429) return `Too many jobs just now${error.retryAfter ? `; try again in ${error.retryAfter} s` : ''}.`;
    return `Could not run: ${error.message}`;
  }

  async cancel() {
    this.stopRequested = true;
    this.cancelButton.disabled = true;
    this.setStatus('Cancelling…');
    if (!this.jobId) return;
    try {
      await cancelJob(this.jobId);
    } catch (error) {
      this.setStatus(`Could not cancel: ${error.message}`, true);
    }
  }

  jobLink(job) {
    this.output.querySelector('.job-link')?.remove();
    this.output.append(el('p', { class: 'job-link small muted' }, [
      'Job ', el('a', { href: `/jobs/${job.id}` }, [job.id]), ' (JSON), listed with the other ',
      el('a', { href: '/jobs' }, ['recent jobs']), '.',
    ]));
  }

  // ---- Results ----

  showMatmul(job) {
    const r = job.result;
    const t = job.timings || {};
    const backend = r.backend || job.spec?.backend || 'blas';
    const label = `${backend}${backend === 'opencl' ? ` ${r.kernel}` : ''}, n=${r.n} ${r.dtype}`;
    this.history = [...this.history.filter((bar) => bar.label !== label), { label, value: r.gflops }].slice(-8);
    const who = backend === 'opencl' ? `The OpenCL ${r.kernel} kernel on ${r.device}` : backend === 'blas' ? 'OpenBLAS' : 'The plain triple loop';
    const sentences = [
      `${who} multiplied ${r.m}×${r.k} by ${r.k}×${r.n} ${r.dtype} matrices at ${withUnit(r.gflops, 'GFLOP/s')}, best of ${r.repeats} timed runs (the fastest took ${seconds(t.compute?.min)}).`,
      `Its largest relative error against a float64 product of the same inputs was ${formatNumber(r.max_rel_error)}, as expected for ${r.dtype}.`,
    ];
    const loop = this.history.find((bar) => bar.label.startsWith('cpu-naive') && bar.label.endsWith(`n=${r.n} ${r.dtype}`));
    if (loop && backend !== 'cpu-naive' && loop.value > 0) sentences.push(`That is ${formatNumber(r.gflops / loop.value)}× the plain loop at the same size.`);
    this.showOutput({
      summary: sentences.join(' '),
      rows: [
        ['Throughput', withUnit(r.gflops, 'GFLOP/s')],
        ['Best compute time', seconds(t.compute?.min)],
        ['Median compute time', seconds(t.compute?.median)],
        ['Max absolute error', formatNumber(r.max_abs_error)],
        ['Max relative error', formatNumber(r.max_rel_error)],
        ['Device', r.device || 'CPU'],
        ...(r.kernel_config ? [['Kernel', `${r.kernel} (${r.kernel_config})`]] : []),
      ],
      verification: { method: r.verified_against || 'a float64 reference', passed: null },
      charts: [(figure) => barChart(figure, { caption: 'Throughput of the runs on this page', unit: 'GFLOP/s', bars: this.history })],
    });
  }

  showOutcome(job) {
    const r = job.result || {};
    const figures = figuresOf(r);
    const charts = [];
    const series = (r.series || []).filter((s) => s.points?.length);
    if (series.length) {
      const groups = new Map();
      for (const s of series) {
        const key = `${s.x_label}|${s.x_unit}|${s.y_label}|${s.y_unit}`;
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key).push(s);
      }
      for (const group of groups.values()) {
        const first = group[0];
        charts.push((figure) => lineChart(figure, {
          caption: `${first.y_label} against ${first.x_label}`, xLabel: first.x_label, xUnit: first.x_unit,
          yLabel: first.y_label, yUnit: first.y_unit, series: group,
        }));
      }
    } else {
      const byUnit = new Map();
      for (const f of figures) if (typeof f.value === 'number') byUnit.set(f.unit, [...(byUnit.get(f.unit) || []), f]);
      const preferred = ['GFLOP/s', 'GB/s'];
      const units = [...byUnit.keys()].filter((unit) => byUnit.get(unit).length >= 2)
        .sort((a, b) => (preferred.includes(b) - preferred.includes(a)) || byUnit.get(b).length - byUnit.get(a).length);
      if (units.length) {
        const unit = units[0];
        charts.push((figure) => barChart(figure, {
          caption: `${this.kind.title}: ${unit}`, unit, withData: false,
          bars: byUnit.get(unit).map((f) => ({ label: f.label, value: f.value })),
        }));
      }
    }
    this.showOutput({
      summary: r.summary || '',
      rows: figures.map((f) => [f.label, withUnit(f.value, f.unit)]),
      verification: r.verification || null,
      charts,
    });
  }

  showOutput({ summary, rows, verification, charts }) {
    const parts = [];
    if (summary) parts.push(el('p', { class: 'summary' }, [summary]));
    for (const draw of charts) {
      const figure = el('figure', { class: 'chart' });
      parts.push(figure);
      figure._draw = draw;
    }
    if (rows.length) parts.push(figuresTable(rows));
    if (verification) {
      const verdict = verification.passed === true ? el('span', { class: 'passed' }, ['passed'])
        : verification.passed === false ? el('span', { class: 'not-passed' }, ['did not pass']) : null;
      parts.push(el('p', { class: 'verification' }, [
        'Checked against ', verification.method || 'a reference',
        ...(verdict ? [': ', verdict] : []), verification.detail ? ` (${verification.detail})` : '', '.',
      ]));
    }
    this.output.replaceChildren(...parts);
    // Charts are drawn once their figure is in the page, at its width.
    for (const figure of this.output.querySelectorAll('figure.chart')) figure._draw(figure);
  }

  // ---- Compare (matmul) ----

  async compare() {
    if (!this.form.reportValidity()) return;
    const base = this.values();
    delete base.kernel;
    base.n = Math.min(base.n || 128, COMPARE_MAX_N);
    const runs = [
      { backend: 'blas' }, { backend: 'opencl', kernel: 'blocked' }, { backend: 'cpu-naive' },
    ];
    const bars = runs.map((run) => ({ label: `${run.backend}${run.kernel ? ` ${run.kernel}` : ''}`, value: null }));
    const notes = [];
    this.setRunning(true);
    let state = 'succeeded';
    const draw = () => this.showOutput({
      summary: compareSummary(base, bars, notes),
      rows: bars.map((bar) => [bar.label, withUnit(bar.value, 'GFLOP/s')]),
      verification: null,
      charts: [(figure) => barChart(figure, { caption: `GFLOP/s at n=${base.n}, ${base.dtype || 'float32'}`, unit: 'GFLOP/s', bars, withData: false })],
    });
    try {
      for (const [index, run] of runs.entries()) {
        if (this.stopRequested) { state = 'cancelled'; break; }
        const label = `${index + 1} of ${runs.length}, ${bars[index].label}: `;
        try {
          const job = await this.runJob({ ...base, ...run }, { base: index / runs.length, share: 1 / runs.length, label });
          if (job.status === 'succeeded') bars[index].value = job.result.gflops;
          else if (job.status === 'cancelled') { state = 'cancelled'; break; } else notes.push(`${bars[index].label} failed: ${job.error?.detail || 'unknown error'}`);
        } catch (error) {
          if (error.status === 401 || error.status === 429) throw error;
          notes.push(`${bars[index].label} could not run: ${error.message}`);
        }
        draw();
      }
      this.progress.value = state === 'succeeded' ? 1 : this.progress.value;
      this.setStatus(state === 'cancelled' ? 'Cancelled.' : 'Comparison finished.');
      draw();
    } catch (error) {
      state = 'failed';
      this.setStatus(this.describe(error), true);
    } finally {
      this.setRunning(false);
      this.article.dataset.state = state;
    }
  }
}

function durationOf(job) {
  if (!job.started_at || !job.finished_at) return null;
  return (Date.parse(job.finished_at) - Date.parse(job.started_at)) / 1000;
}

function compareSummary(base, bars, notes) {
  const done = bars.filter((bar) => typeof bar.value === 'number');
  if (!done.length) return notes.join(' ');
  const best = done.reduce((a, b) => (b.value > a.value ? b : a));
  const loop = bars.find((bar) => bar.label === 'cpu-naive');
  const parts = [`At n=${base.n} (${base.dtype || 'float32'}), ${done.map((bar) => `${BACKEND_NAME[bar.label.split(' ')[0]] || bar.label} reached ${withUnit(bar.value, 'GFLOP/s')}`).join(', ')}.`];
  if (loop?.value && best !== loop) parts.push(`${BACKEND_NAME[best.label.split(' ')[0]]} is ${formatNumber(best.value / loop.value)}× the plain loop: that is what blocking for caches and vector registers buys.`);
  return [...parts, ...notes].join(' ');
}

// ---- Start ------------------------------------------------------------------------------------

/** Predictions typed into exercises survive a reload (kept in this browser only). */
function keepPredictions() {
  for (const article of document.querySelectorAll('article.exercise')) {
    const input = article.querySelector('textarea.prediction-input');
    const key = article.dataset.predictionKey;
    if (!input || !key) continue;
    input.value = localStorage.getItem(key) || '';
    input.addEventListener('input', () => localStorage.setItem(key, input.value));
  }
}

function startExercises(kinds) {
  keepPredictions();
  for (const article of document.querySelectorAll('#exercises article.exercise')) {
    const kind = kinds.get(article.dataset.kind);
    const details = article.querySelector('details.explanation');
    if (kind) new Panel(article, kind);
    else article.append(el('p', { class: 'notice' }, [`This server does not run ${article.dataset.kind} experiments yet.`]));
    if (details) article.append(details); // after the form and its output
  }
}

/** Each claim gets the run form of its experiment; the page says what the latest run showed. */
function startClaims(kinds) {
  for (const article of document.querySelectorAll('#claims article.claim')) {
    const kind = kinds.get(article.dataset.kind);
    if (kind) new Panel(article, kind);
    else article.append(el('p', { class: 'notice' }, [`This server does not run ${article.dataset.kind} experiments.`]));
  }
}

/** The question's experiments, built first so that they come first; then its claims and exercises. */
async function start() {
  const exercises = document.getElementById('exercises');
  const claims = document.getElementById('claims');
  if (!section && !exercises && !claims) return;
  const kinds = await loadKinds();
  if (section) startExperiments(kinds);
  if (claims) startClaims(kinds);
  if (exercises) startExercises(kinds);
}

function startExperiments(kinds) {
  const question = Number(section.dataset.question);
  let articles = [...section.querySelectorAll('article.experiment')];
  if (!articles.length) {
    // The question names no experiment: offer the kinds that say they demonstrate it.
    for (const kind of kinds.values()) {
      if (!kind.questions.includes(question)) continue;
      const article = el('article', { class: 'experiment', 'data-kind': kind.kind, 'data-title': kind.title });
      section.append(article);
    }
    articles = [...section.querySelectorAll('article.experiment')];
  }
  if (!articles.length) return;
  section.hidden = false;
  const header = document.querySelector('article.entry > header');
  if (header && !header.querySelector('.jump')) {
    const noun = articles.length === 1 ? 'the experiment' : `the ${articles.length} experiments`;
    header.append(el('p', { class: 'jump' }, [el('a', { href: '#experiments' }, [`Run ${noun} for this question ↓`])]));
  }
  for (const article of articles) {
    const kind = kinds.get(article.dataset.kind);
    if (kind) {
      new Panel(article, kind);
    } else {
      article.querySelector('noscript')?.remove();
      article.append(el('p', { class: 'notice' }, [`This server does not run ${article.dataset.kind} experiments yet.`]));
    }
  }
}

start();
