// Plotly helpers shared by every chart: drawing with an empty-state message, log ticks with full labels, number
// formatting, download names.
export const $ = (id) => document.getElementById(id);
export const finite = (v) => typeof v === 'number' && isFinite(v);
export const log10 = (v) => finite(v) && v > 0 ? Math.log10(v) : null;
export const logGrid = (g) => (g || []).map((row) => row.map(log10));
// lets the browser paint and answer between charts: after the next frame, then after other queued tasks
export const pause = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));

export const drawMillis = {}; // chart id -> how long its last draw took (tests and curious users read it)
const MARGIN = {l: 72, r: 40, t: 40, b: 95};

/** Plotly's options for one chart: PNG and SVG downloads named {@code <name>.png}. */
function config(name) {
  return {
    responsive: true, displaylogo: false, displayModeBar: 'hover',
    toImageButtonOptions: {format: 'png', scale: 2, filename: name},
    modeBarButtonsToAdd: [{
      name: 'Download plot as SVG', icon: Plotly.Icons.disk,
      click: (gd) => Plotly.downloadImage(gd, {format: 'svg', filename: name}),
    }],
  };
}

/**
 * Draws traces on the chart {@code id}; with no finite data, an empty chart saying {@code emptyText}. {@code name}
 * is the file name of its image downloads (without extension).
 */
export function draw(id, traces, layout, name) {
  const gd = $(id);
  if (!gd) return;
  const title = layout.titleText || '';
  const emptyText = layout.emptyText || 'not measured yet';
  delete layout.titleText;
  delete layout.emptyText;
  // titles on the left: the modebar sits on the right; legends below the x-axis title
  const base = {margin: MARGIN, uirevision: id,
    title: {text: title, font: {size: 14}, x: 0.01, xref: 'container', xanchor: 'left'},
    legend: {orientation: 'h', yref: 'container', y: 0, yanchor: 'bottom'}}; // under the axis title, never on it
  const empty = traces.every((t) => !hasData(t));
  if (empty) {
    Object.assign(base, {xaxis: {visible: false}, yaxis: {visible: false}, annotations: [{text: emptyText,
      showarrow: false, xref: 'paper', yref: 'paper', x: 0.5, y: 0.5, font: {size: 14, color: '#888'}}]});
  }
  gd.dataset.empty = String(empty);
  const started = performance.now();
  Plotly.react(gd, traces, Object.assign(base, empty ? {} : layout), config(name || id));
  drawMillis[id] = Math.round(performance.now() - started);
}

export function hasData(t) {
  const v = t.z || t.y;
  if (!v) return false;
  return v.some((row) => Array.isArray(row) ? row.some(finite) : finite(row));
}

/** A number as people read it: 3 significant digits, exponents only for the very small or large. */
export function fmt(v) {
  if (!finite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) {
    return v.toExponential(1).replace('.0e', 'e').replace('e+', 'e');
  }
  return String(Number(v.toPrecision(3)));
}

/**
 * Tick values (in data units) and labels for a log axis over [lo, hi]: 1-2-5 steps per decade, only decades when
 * the range is wide, finer steps when it is narrow; every label is the full number (0.5, not "5").
 */
export function logTicks(lo, hi) {
  if (!(lo > 0) || !(hi > 0)) return {};
  if (hi < lo) [lo, hi] = [hi, lo];
  const pick = (mantissas) => {
    const out = [];
    for (let k = Math.floor(Math.log10(lo)) - 1; k <= Math.ceil(Math.log10(hi)) + 1; k++) {
      for (const m of mantissas) {
        const v = Number((m * Math.pow(10, k)).toPrecision(3));
        if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
      }
    }
    return out;
  };
  let vals = pick([1, 2, 5]);
  if (vals.length > 9) vals = pick([1]);
  for (const finer of [[1, 2, 3, 5], [1, 1.5, 2, 3, 4, 5, 7], [1, 1.2, 1.4, 1.6, 1.8, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 9],
    [1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2, 2.2, 2.4, 2.6, 2.8, 3, 3.3, 3.6, 4, 4.5, 5, 5.5, 6, 7, 8, 9]]) {
    if (vals.length >= 4) break;
    const v = pick(finer);
    if (v.length <= 9 || vals.length < 2) vals = v;
  }
  if (vals.length < 2) vals = [lo, hi];
  return {tickmode: 'array', tickvals: vals, ticktext: vals.map(fmt)};
}

/** The finite values of traces' y arrays (with their error bars), for axis ranges. */
export function yExtent(traces) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of traces) {
    (t.y || []).forEach((v, i) => {
      if (!finite(v)) return;
      const e = t.error_y && t.error_y.array && finite(t.error_y.array[i]) ? t.error_y.array[i] : 0;
      lo = Math.min(lo, v - e);
      hi = Math.max(hi, v + e);
    });
  }
  return [lo, hi];
}

/** A log y axis over the traces' positive values with full tick labels, or a linear one when they are not all > 0. */
export function valueAxis(traces, log, title) {
  const axis = {title: {text: title}, exponentformat: 'power'};
  if (!log) return axis;
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of traces) {
    for (const v of t.y || []) {
      if (finite(v) && v > 0) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  if (!(hi > 0)) return axis;
  return Object.assign(axis, {type: 'log'}, logTicks(lo, hi));
}

export function exportLinks(el, links) {
  if (!el) return;
  el.replaceChildren(...links.map(([label, href, file]) => {
    const a = document.createElement('a');
    a.textContent = label;
    a.href = href;
    a.setAttribute('download', file || '');
    return a;
  }));
}
