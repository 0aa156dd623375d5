// Charts over training time. The scalar charts are a table below; the measure panels are made from the run's
// measure descriptors (one panel per group and unit), so a new measure appears without page code.
import {$, draw, exportLinks, finite, fmt, pause, valueAxis} from './plot.js';

/**
 * Fractional epochs from a run's scalar rows: epoch e plus how far into it the iteration is, measured by the
 * epoch's length in iterations (from its first row to the next epoch's); an epoch still running is measured by the
 * last complete one (or, in a first epoch, by the iterations seen so far). Returns (iteration, epoch) -> position.
 */
export function epochPosition(scalars) {
  const first = new Map();
  const its = (scalars && scalars.iteration) || [];
  let last = -Infinity;
  its.forEach((it, i) => {
    const e = scalars.epoch[i];
    if (!first.has(e) || it < first.get(e)) first.set(e, it);
    if (it > last) last = it;
  });
  const length = new Map();
  for (const e of first.keys()) {
    if (first.has(e + 1)) length.set(e, first.get(e + 1) - first.get(e));
  }
  return (it, e) => {
    const f = first.get(e);
    if (f === undefined) return e;
    const len = length.get(e) || length.get(e - 1) || (last - f + 1);
    return e + Math.min(Math.max(0, it - f) / len, 0.999);
  };
}

/** x axis choices: what each series holds for it (the measures' epochs placed by the run's scalar rows). */
export const X_AXES = {
  iteration: {title: 'iteration', scalars: (s) => s.iteration, measures: (m) => m.iteration},
  epoch: {title: 'epoch', scalars: (s) => {
    const at = epochPosition(s);
    return s.iteration.map((it, i) => at(it, s.epoch[i]));
  }, measures: (m, s) => {
    const at = epochPosition(s);
    return m.iteration.map((it, i) => at(it, m.epoch[i]));
  }},
  wall: {title: 'wall time (s)', scalars: (s) => s.wallMillis.map((v) => v / 1000),
    measures: (m) => (m.wallMillis || []).map((v) => v / 1000)},
};

const line = (name, x, y, extra) => Object.assign({type: 'scatter', mode: 'lines', name, x, y}, extra || {});

/** TensorBoard's smoothing: a debiased exponential moving average. */
export function smooth(values, weight) {
  if (!(weight > 0)) return values;
  let last = 0;
  let n = 0;
  return values.map((v) => {
    if (!finite(v)) return v;
    last = last * weight + (1 - weight) * v;
    n++;
    return last / (1 - Math.pow(weight, n));
  });
}

/** The scalar charts: id, title, unit of the y axis, whether it starts on a log axis, and its traces. */
export const SCALAR_CHARTS = [
  {id: 'chart-score', title: 'score', unit: 'loss', log: false, traces: (s, x, o) => o.smoothing > 0
    ? [line('score', x, s.score, {line: {color: 'rgba(31,119,180,0.25)'}, showlegend: false}),
      line('score (smoothed ' + o.smoothing + ')', x, smooth(s.score, o.smoothing), {line: {color: '#1f77b4'}})]
    : [line('score', x, s.score)]},
  {id: 'chart-gradnorm', title: 'gradient norm', unit: 'loss/θ', log: true, traces: (s, x) =>
    [line('global', x, s.gradientNorm, {line: {width: 2, color: '#222'}})].concat(
        Object.keys(s.gradientNormByTensor).sort().map((k) =>
          line(k, x, s.gradientNormByTensor[k], {connectgaps: true, line: {width: 1}})))},
  {id: 'chart-norms', title: 'weight and update norms', unit: 'θ (L2 norm)', log: true, traces: (s, x) =>
    [line('weight norm', x, s.weightNorm), line('update norm', x, s.updateNorm)]},
];

/** Panels for the descriptors: one per group and unit; standard errors are not panels but error bars. */
export function measurePanels(descriptors) {
  const errorKeys = new Set(descriptors.map((d) => d.errorKey).filter(Boolean));
  const keys = new Set(descriptors.map((d) => d.key));
  const units = new Map();
  for (const d of descriptors) {
    if (errorKeys.has(d.key)) continue;
    (units.get(d.group) || units.set(d.group, new Set()).get(d.group)).add(d.unit);
  }
  const panels = new Map();
  for (const d of descriptors) {
    if (errorKeys.has(d.key)) continue;
    const key = d.group + '|' + d.unit;
    if (!panels.has(key)) {
      const slug = (d.group + (units.get(d.group).size > 1 ? '-' + d.unit : '')).replace(/[^A-Za-z0-9_-]/g, '_');
      panels.set(key, {id: 'chart-m-' + slug, group: d.group, unit: d.unit, measures: [],
        diagnostic: d.group === 'diagnostic', verdict: d.group.startsWith('gap')});
    }
    // a maximum found by an ascent names its convergence flag KEY_converged: drawn as a lower bound where it is 0
    panels.get(key).measures.push(Object.assign({}, d,
        {convergedKey: keys.has(d.key + '_converged') ? d.key + '_converged' : null}));
  }
  return [...panels.values()];
}

const UNIT_TEXT = {'loss': 'loss', '%': '% of 1 + loss', 'fraction': 'fraction', 'loss/θ²': 'loss / θ²',
  'loss/θ': 'loss / θ', 'count': 'count', 'flag': '0 / 1', 'ratio': 'ratio'};
export const unitText = (u) => UNIT_TEXT[u] || u;

/** Makes the figures of the measure panels (once per set of descriptors). */
export function buildPanels(panels, onLogToggle) {
  const make = (p) => {
    const fig = document.createElement('figure');
    fig.dataset.panel = p.id;
    const chart = document.createElement('div');
    chart.id = p.id;
    chart.className = 'chart small series';
    chart.dataset.unit = p.unit;
    const cap = document.createElement('figcaption');
    const text = p.measures.map((d) => d.label + ': ' + d.description + (d.paper ? ' (' + d.paper + ')' : '')
        + (d.errorKey ? '; bars ±2 SE' : '')).join('. ');
    cap.append(document.createTextNode(text + '. Unit: ' + unitText(p.unit) + '. Open markers: reduced snapshots'
        + ' (fewer examples, directions or steps). ' + (p.measures.some((d) => d.convergedKey)
        ? 'Downward triangles: the ascent had not converged when its evaluations ran out, so the value is a lower'
        + ' bound of the maximum (see ascentSteps). ' : '')));
    if (p.verdict) {
      const v = document.createElement('strong');
      v.className = 'verdict';
      v.id = p.id + '-verdict';
      cap.append(v, document.createTextNode(' '));
    }
    const log = document.createElement('label');
    log.className = 'log-toggle';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.addEventListener('change', () => onLogToggle(p.id, box.checked));
    log.append(box, document.createTextNode(' log'));
    const ex = document.createElement('span');
    ex.className = 'exports';
    ex.dataset.series = 'measures';
    cap.append(log, ex);
    fig.append(chart, cap);
    return fig;
  };
  $('measure-panels').replaceChildren(...panels.filter((p) => !p.diagnostic).map(make));
  $('diagnostic-panels').replaceChildren(...panels.filter((p) => p.diagnostic).map(make));
}

/** The traces of one panel, with ±2 SE error bars where the descriptor names a standard error. */
export function panelTraces(p, m, x, run, colour) {
  const out = [];
  for (const [k, d] of p.measures.entries()) {
    const y = m.measures[d.key];
    if (!y || !y.some(finite)) continue;
    const se = d.errorKey ? m.measures[d.errorKey] : null;
    const t = line((run ? run + ' ' : '') + d.label, x, y, {mode: 'markers+lines'});
    if (colour) { // comparing runs: one colour per run, a panel's measures told apart by dash
      t.line = {color: colour, dash: ['solid', 'dot', 'dash', 'dashdot'][k % 4]};
      t.marker = {color: colour};
    }
    const reduced = m.level && m.level.some((l) => l && l !== 'full');
    const converged = d.convergedKey ? m.measures[d.convergedKey] : null;
    const short = converged ? converged.map((c, i) => c === 0 && finite(y[i])) : [];
    if (reduced || short.some(Boolean)) {
      // a reduced snapshot (fewer examples, directions or steps: see docs/recording.md, Snapshot levels) is an open
      // marker; a maximum whose ascent had not converged (a lower bound) a downward triangle
      const n = y.length;
      const level = (i) => (m.level && m.level[i]) || 'full';
      t.marker = Object.assign(t.marker || {}, {symbol: Array.from({length: n}, (_, i) =>
        (short[i] ? 'triangle-down' : 'circle') + (level(i) === 'full' ? '' : '-open')), size: 7});
      t.text = Array.from({length: n}, (_, i) => level(i) + ' snapshot'
        + (short[i] ? '; ascent not converged: a lower bound' : ''));
      t.hovertemplate = '%{y}<br>%{text}<extra>%{fullData.name}</extra>';
    }
    if (se && se.some(finite)) {
      t.error_y = {type: 'data', array: se.map((v) => finite(v) ? 2 * v : null), visible: true, thickness: 1.5,
        width: 4};
    }
    out.push(t);
  }
  return out;
}

/** "within probe noise" when |value| < 2 SE at the chosen snapshot. */
export function verdict(p, m, at) {
  for (const d of p.measures) {
    const y = m.measures[d.key];
    const se = d.errorKey ? m.measures[d.errorKey] : null;
    if (!y || !se || !finite(y[at]) || !finite(se[at])) continue;
    const within = Math.abs(y[at]) < 2 * se[at];
    return d.label + ' at snapshot ' + (at + 1) + ': ' + fmt(y[at]) + ' ± ' + fmt(se[at]) + ' (SE): '
        + (within ? 'within probe noise (|gap| < 2 SE)' : 'larger than probe noise (|gap| ≥ 2 SE)');
  }
  return '';
}

/** Draws every series chart of a run. */
export async function drawSeries(ui, run, s, m, o) {
  const xs = X_AXES[o.xAxis];
  const sx = xs.scalars(s);
  const mx = xs.measures(m, s);
  const marker = o.marker === null ? [] : [markerShape(o.marker)];
  const xaxis = {title: {text: xs.title}};
  for (const c of SCALAR_CHARTS) {
    const traces = c.traces(s, sx, o);
    const log = o.log[c.id] === undefined ? c.log : o.log[c.id];
    draw(c.id, traces, {titleText: c.title, xaxis: Object.assign({}, xaxis),
      yaxis: valueAxis(traces, log, unitText(c.unit)), shapes: marker, emptyText: o.scalarsEmptyText},
    run + '-' + c.id.replace('chart-', ''));
    await pause();
  }
  for (const p of o.panels) {
    const traces = panelTraces(p, m, mx);
    draw(p.id, traces, {titleText: p.measures.map((d) => d.label).join(', '), xaxis: Object.assign({}, xaxis),
      yaxis: valueAxis(traces, !!o.log[p.id], unitText(p.unit)), shapes: marker, emptyText: o.emptyText},
    run + '-' + p.group);
    if (p.verdict && $(p.id + '-verdict')) {
      $(p.id + '-verdict').textContent = verdict(p, m, o.shown >= 0 ? o.shown : m.index.length - 1);
    }
    await pause();
  }
  document.querySelectorAll('.exports[data-series]').forEach((el) => {
    const u = ui.runUrl(run) + '/' + el.dataset.series;
    exportLinks(el, [['CSV', u + '?format=csv', run + '-' + el.dataset.series + '.csv'],
      ['JSON', u + '?format=json', run + '-' + el.dataset.series + '.json']]);
  });
}

/** A dotted line at the x of the snapshot chosen on the slider. */
export function markerShape(x) {
  return {type: 'line', xref: 'x', yref: 'paper', x0: x, x1: x, y0: 0, y1: 1,
    line: {color: '#c33', width: 1, dash: 'dot'}};
}

/** Moves the snapshot marker on every drawn series chart. */
export function moveMarker(x) {
  document.querySelectorAll('.chart.series').forEach((gd) => {
    if (gd.data && gd.dataset.empty !== 'true') {
      Plotly.relayout(gd, {shapes: x === null ? [] : [markerShape(x)]});
    }
  });
}

/** Zooming one series chart's x axis zooms the others (TensorBoard-like). */
export function syncZoom() {
  let syncing = false;
  let hovering = false;
  const others = (gd, shownOnly) => [...document.querySelectorAll('.chart.series')].filter((o) => o !== gd
      && o.data && o.dataset.empty !== 'true' && (!shownOnly || o.offsetParent !== null));
  document.querySelectorAll('.chart.series').forEach((gd) => {
    if (gd.dataset.zoomSynced) return;
    gd.dataset.zoomSynced = 'true';
    // hover one series chart: every other shows its values at the same x (iteration, epoch or wall time)
    gd.on && gd.on('plotly_hover', (e) => {
      if (hovering || !e.xvals || !e.xvals.length) return;
      hovering = true;
      try {
        for (const o of others(gd, true)) {
          Plotly.Fx.hover(o, {xval: e.xvals[0], hovermode: 'x'}, 'xy'); // by x alone: no y here
        }
      } finally {
        hovering = false;
      }
    });
    gd.on && gd.on('plotly_unhover', () => {
      if (hovering) return;
      for (const o of others(gd, true)) {
        Plotly.Fx.unhover(o);
      }
    });
    gd.on && gd.on('plotly_relayout', (e) => {
      if (syncing) return;
      const range = e['xaxis.range[0]'] !== undefined ? [e['xaxis.range[0]'], e['xaxis.range[1]']]
        : e['xaxis.autorange'] ? null : undefined;
      if (range === undefined) return;
      syncing = true;
      const update = range ? {'xaxis.range': range} : {'xaxis.autorange': true};
      Promise.all(others(gd).map((o) => Plotly.relayout(o, update))).finally(() => {
        syncing = false;
      });
    });
  });
}
