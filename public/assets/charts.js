// Small SVG charts: horizontal bars (backends, kernels, figures) and lines (sweeps).
// Drawn with SVG attributes and CSS classes only (no inline styles, so the CSP stays
// 'self'), at the width of their figure, and redrawn when that width changes. Each chart
// has a text alternative: an aria-label and a data table under "Data".

const NS = 'http://www.w3.org/2000/svg';

function svg(name, attributes = {}, text) {
  const node = document.createElementNS(NS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function html(name, attributes = {}, children = []) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

/** A number for people: 3 significant digits, exponents for very large or small values. */
export function formatNumber(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-3) {
    // 3.10e-4 → 3.1e-4, 1.00e6 → 1e6
    return value.toExponential(2).replace('e+', 'e').replace(/\.?0+e/, 'e');
  }
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en');
  return String(Number(value.toPrecision(3)));
}

export function withUnit(value, unit) {
  const text = formatNumber(value);
  if (!unit || text === 'n/a') return text;
  return unit === '×' ? `${text}×` : `${text}\u00a0${unit}`; // no line break inside "40.7 GFLOP/s"
}

/**
 * Mounts a chart in `figure` (an HTML <figure>): draws it now and again when the figure's
 * width changes. `draw(width)` returns the <svg>.
 */
function mount(figure, caption, draw, extras = []) {
  let lastWidth = 0;
  const render = () => {
    const width = Math.max(260, Math.floor(figure.clientWidth || 600));
    if (Math.abs(width - lastWidth) < 16) return;
    lastWidth = width;
    figure.replaceChildren(html('figcaption', {}, [caption]), draw(width), ...extras);
  };
  figure._observer?.disconnect();
  render();
  if ('ResizeObserver' in window) {
    figure._observer = new ResizeObserver(() => render());
    figure._observer.observe(figure);
  }
}

/**
 * Horizontal bars, one row per bar with its label above it (readable on a phone).
 * bars: [{label, value}] (value null: not available); unit: "GFLOP/s"; withData: false when the
 * page already shows the values in a table.
 */
export function barChart(figure, { caption, unit, bars, withData = true }) {
  const values = bars.map((bar) => bar.value).filter((value) => typeof value === 'number' && value > 0);
  const max = values.length ? Math.max(...values) : 1;
  const describe = bars.map((bar) => `${bar.label}: ${withUnit(bar.value, unit)}`).join('; ');
  const table = dataTable(['', unit || 'value'], bars.map((bar) => [bar.label, withUnit(bar.value, unit)]));
  mount(figure, caption, (width) => {
    const row = 42;
    const valueSpace = 104;
    const height = bars.length * row + 4;
    const chart = svg('svg', {
      viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': `${caption}. ${describe}`,
    });
    const area = width - valueSpace;
    bars.forEach((bar, index) => {
      const y = index * row;
      chart.append(svg('text', { x: 0, y: y + 13 }, bar.label));
      const available = typeof bar.value === 'number' && bar.value > 0;
      const length = available ? Math.max(2, (bar.value / max) * area) : area * 0.25;
      chart.append(svg('rect', {
        class: available ? `bar s${index % 6}` : 'bar na', x: 0, y: y + 19, width: length, height: 16, rx: 2,
      }));
      chart.append(svg('text', { class: 'value', x: length + 6, y: y + 32 }, available ? withUnit(bar.value, unit) : 'n/a'));
    });
    return chart;
  }, withData ? [table] : []);
}

/** Ticks for a linear axis: about `count` round values covering [min, max]. */
function linearTicks(min, max, count = 5) {
  if (min === max) { min -= 1; max += 1; }
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((candidate) => candidate >= raw) || raw;
  const ticks = [];
  for (let value = Math.ceil(min / step) * step; value <= max + step * 1e-9; value += step) ticks.push(Number(value.toPrecision(12)));
  return ticks;
}

/** Ticks for a log axis: powers of ten, or of two when the range is narrow. */
function logTicks(min, max) {
  const decades = Math.log10(max / min);
  const base = decades >= 2 ? 10 : 2;
  const ticks = [];
  for (let e = Math.floor(Math.log(min) / Math.log(base)); base ** e <= max * 1.0001; e++) {
    if (base ** e >= min * 0.9999) ticks.push(base ** e);
  }
  if (ticks.length > 8) return ticks.filter((_, index) => index % Math.ceil(ticks.length / 8) === 0);
  return ticks;
}

/** An axis: log when every value is positive and they span `ratio` or more. */
function scale(values, low, high, { ratio, padZero }) {
  let min = Math.min(...values);
  let max = Math.max(...values);
  const log = min > 0 && max / min >= ratio;
  if (log) {
    // 4% of room on each side, so that points at the ends are not cut by the frame.
    const pad = (Math.log(max) - Math.log(min)) * 0.04;
    const a = Math.log(min) - pad;
    const b = Math.log(max) + pad;
    const span = b - a || 1;
    return { log, min, max, ticks: logTicks(min, max), at: (v) => low + ((Math.log(v) - a) / span) * (high - low) };
  }
  if (padZero && min > 0) min = 0;
  const ticks = linearTicks(min, max);
  min = Math.min(min, ticks[0]);
  max = Math.max(max, ticks[ticks.length - 1]);
  const span = max - min || 1;
  return { log, min, max, ticks, at: (v) => low + ((v - min) / span) * (high - low) };
}

/**
 * Lines sharing axes. spec: {caption, xLabel, xUnit, yLabel, yUnit, series: [{name, points: [{x, y}]}]}.
 */
export function lineChart(figure, spec) {
  const series = spec.series.filter((s) => s.points.length > 0);
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.map((p) => p.y));
  const axisName = (label, unit) => (unit ? `${label} (${unit})` : label);
  const describe = series.map((s) => `${s.name}: ${s.points.map((p) => `${formatNumber(p.x)} → ${formatNumber(p.y)}`).join(', ')}`).join('; ');
  const legend = html('ul', { class: 'legend' }, series.map((s, index) =>
    html('li', {}, [html('span', { class: `swatch s${index % 6}`, 'aria-hidden': 'true' }), s.name])));
  const rows = series.flatMap((s) => s.points.map((p) => [s.name, formatNumber(p.x), formatNumber(p.y)]));
  const table = dataTable(['series', axisName(spec.xLabel, spec.xUnit), axisName(spec.yLabel, spec.yUnit)], rows);
  mount(figure, spec.caption, (width) => {
    const height = Math.round(Math.min(320, Math.max(200, width * 0.5)));
    // The y axis is named above the plot, so its tick labels have the left margin to themselves.
    const margin = { left: 58, right: 16, top: 28, bottom: 44 };
    const x = scale(xs, margin.left, width - margin.right, { ratio: 32, padZero: false });
    const y = scale(ys, height - margin.bottom, margin.top, { ratio: 100, padZero: true });
    const chart = svg('svg', {
      viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
      'aria-label': `${spec.caption}. ${axisName(spec.yLabel, spec.yUnit)} against ${axisName(spec.xLabel, spec.xUnit)}${y.log ? ' (log scale)' : ''}. ${describe}`,
    });
    const xTicks = new Set(xs).size <= 9 && !x.log ? [...new Set(xs)].sort((a, b) => a - b) : x.ticks;
    for (const tick of y.ticks) {
      const ty = y.at(tick);
      chart.append(svg('line', { class: 'gridline', x1: margin.left, x2: width - margin.right, y1: ty, y2: ty }));
      const group = chart.appendChild(svg('g', { class: 'tick' }));
      group.append(svg('text', { x: margin.left - 6, y: ty + 4, 'text-anchor': 'end' }, formatNumber(tick)));
    }
    for (const tick of xTicks) {
      const tx = x.at(tick);
      const group = chart.appendChild(svg('g', { class: 'tick' }));
      group.append(svg('line', { class: 'axis', x1: tx, x2: tx, y1: height - margin.bottom, y2: height - margin.bottom + 4 }));
      group.append(svg('text', { x: tx, y: height - margin.bottom + 17, 'text-anchor': 'middle' }, formatNumber(tick)));
    }
    chart.append(svg('path', {
      class: 'axis', d: `M${margin.left},${margin.top} V${height - margin.bottom} H${width - margin.right}`,
    }));
    chart.append(svg('text', { x: (margin.left + width - margin.right) / 2, y: height - 6, 'text-anchor': 'middle' },
      axisName(spec.xLabel, spec.xUnit) + (x.log ? ', log scale' : '')));
    chart.append(svg('text', { x: 4, y: 12 }, `↑ ${axisName(spec.yLabel, spec.yUnit)}${y.log ? ', log scale' : ''}`));
    series.forEach((s, index) => {
      const points = [...s.points].sort((a, b) => a.x - b.x);
      const d = points.map((p, i) => `${i ? 'L' : 'M'}${x.at(p.x).toFixed(1)},${y.at(p.y).toFixed(1)}`).join(' ');
      chart.append(svg('path', { class: `line s${index % 6}`, d }));
      for (const p of points) {
        const dot = svg('circle', { class: `dot s${index % 6}`, cx: x.at(p.x).toFixed(1), cy: y.at(p.y).toFixed(1), r: 3.5 });
        dot.append(svg('title', {}, `${s.name}: ${formatNumber(p.x)} ${spec.xUnit || ''} → ${withUnit(p.y, spec.yUnit)}`));
        chart.append(dot);
      }
    });
    return chart;
  }, [legend, table]);
}

function dataTable(headings, rows) {
  const table = html('table', { class: 'data' }, [
    html('thead', {}, [html('tr', {}, headings.map((h) => html('th', { scope: 'col' }, [h])))]),
    html('tbody', {}, rows.map((cells) => html('tr', {}, cells.map((cell, i) =>
      i === 0 ? html('th', { scope: 'row' }, [cell]) : html('td', { class: 'num' }, [cell]))))),
  ]);
  return html('details', { class: 'data' }, [html('summary', {}, ['Data']), table]);
}
