// The landscape around the current point: contours and 3D of the random plane, the PCA plane with the path, and the
// 1D slices. Every snapshot of a run (and both compared runs) is drawn on one colour and height scale unless the
// user asks for "auto": the range comes from the API (lossRange: lowest and 99th percentile of the run's losses).
import {draw, exportLinks, fmt, log10, logGrid, logTicks, pause} from './plot.js';

const LEVELS = 24;

/** The fixed scale in log10 units, or null for Plotly's own per-snapshot range. */
export function scaleOf(lossRanges, auto) {
  if (auto) return null;
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of lossRanges) {
    if (r && r.length === 2 && r[0] > 0 && r[1] > 0) {
      lo = Math.min(lo, Math.log10(r[0]));
      hi = Math.max(hi, Math.log10(r[1]));
    }
  }
  if (!isFinite(lo) || !isFinite(hi)) return null;
  if (hi - lo < 1e-6) {
    lo -= 0.01;
    hi += 0.01;
  }
  return {lo, hi};
}

/** Colour bar ticks at round loss values (labels in loss units, positions in log10). */
function colorbar(lo, hi) {
  const t = logTicks(Math.pow(10, lo), Math.pow(10, hi));
  return {title: {text: 'train loss', side: 'right'}, tickmode: 'array', tickvals: (t.tickvals || []).map(Math.log10),
    ticktext: t.ticktext, len: 0.9};
}

function gridExtent(grid) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of grid) {
    for (const v of row) {
      if (v !== null) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  return {lo, hi};
}

function contourTrace(s, scale) {
  const z = logGrid(s.trainLoss);
  const r = scale || gridExtent(z);
  const [x, y] = names(s);
  return {type: 'contour', x: s.xs, y: s.ys, z, colorscale: 'Viridis', connectgaps: false,
    zauto: false, zmin: r.lo, zmax: r.hi, autocontour: false,
    contours: {start: r.lo, end: r.hi, size: (r.hi - r.lo) / LEVELS || 1},
    colorbar: colorbar(r.lo, r.hi),
    customdata: s.trainLoss,
    hovertemplate: x + '=%{x:.3f}<br>' + y + '=%{y:.3f}<br>train loss=%{customdata:.4g}<extra></extra>'};
}

function names(s) {
  return s.axisLabels && s.axisLabels.length === 2 ? s.axisLabels : ['d1', 'd2'];
}

/**
 * A square plot area whatever the window: on the random plane (equal ranges) level sets are not stretched; a PCA
 * plane keeps each axis's own range (its second direction is often far shorter) in the same square.
 */
function squareAxes(s, toScale) {
  const [x, y] = names(s);
  const ratio = stretch(s);
  return {xaxis: {title: {text: x}, constrain: 'domain', range: ends(s.xs)},
    yaxis: {title: {text: y}, scaleanchor: 'x', scaleratio: toScale ? 1 : ratio, constrain: 'domain',
      range: ends(s.ys)}};
}

/** How much a square plot stretches the second axis against the first (1: drawn to scale). */
export function stretch(s) {
  const span = (v) => v && v.length > 1 ? Math.abs(v[v.length - 1] - v[0]) : 1;
  return span(s.xs) / span(s.ys) || 1;
}

/** What the PCA plot's title says of its aspect. */
function aspectText(s, toScale) {
  const r = stretch(s);
  if (toScale || Math.abs(r - 1) < 0.05) return ' · to scale';
  return ' · not to scale: PC2 stretched ' + (r >= 1 ? r.toFixed(1) + '×' : '×' + r.toFixed(2));
}

const ends = (v) => v && v.length > 1 ? [Math.min(v[0], v[v.length - 1]), Math.max(v[0], v[v.length - 1])] : undefined;

export function surfaceIndex(snap, plane) {
  const i = snap.surfaces.findIndex((s) => s.plane === plane);
  if (i >= 0 || plane !== 'random') return i;
  return snap.surfaces.findIndex((s) => s.plane !== 'pca');
}

/**
 * {@code <run>-snapshot<k>-<part>}: every download of a snapshot is named so, {@code k} counted from 1 as the page
 * counts snapshots (the API's index is {@code k - 1}).
 */
export const fileName = (run, snap, part) => run + '-snapshot' + (snap.index + 1) + '-' + part;

function surfaceLinks(base, run, snap, k, s) {
  const part = 'surface' + k + '-' + s.plane;
  return ['csv', 'json', 'vtk'].map((f) => [f.toUpperCase(), base + k + '?format=' + f,
    fileName(run, snap, part) + '.' + f]);
}

export async function drawSurfaces(ui, run, snap, scale) {
  const base = ui.snapUrl(run, snap.index) + '/surfaces/';
  const k = surfaceIndex(snap, 'random');
  const title = scale ? '' : ' (auto scale)';
  if (k >= 0) {
    const s = snap.surfaces[k];
    ui.$('surface-plane').textContent = '(' + s.plane + ' plane, ' + s.normalization + ' normalization)';
    draw('chart-contour', [contourTrace(s, scale),
      {type: 'scatter', mode: 'markers', x: [0], y: [0], name: 'current point', showlegend: false,
        marker: {color: 'red', size: 10, symbol: 'x'}, hovertemplate: 'current point<extra></extra>'}],
    Object.assign({titleText: 'train loss (log colour scale), iteration ' + snap.iteration + title},
        squareAxes(s)), fileName(run, snap, 'contour-' + s.plane));
    ui.seen(run + '#drawn' + snap.index);
    await pause();
    const z = logGrid(s.trainLoss);
    const r = scale || gridExtent(z);
    const [x, y] = names(s);
    draw('chart-surface3d', [{type: 'surface', x: s.xs, y: s.ys, z, colorscale: 'Viridis', cauto: false,
      cmin: r.lo, cmax: r.hi, colorbar: colorbar(r.lo, r.hi), customdata: s.trainLoss,
      hovertemplate: x + '=%{x:.3f}<br>' + y + '=%{y:.3f}<br>train loss=%{customdata:.4g}<extra></extra>'}],
    {titleText: 'train loss (log height), iteration ' + snap.iteration + title, margin: {l: 0, r: 0, t: 36, b: 0},
      scene: {aspectmode: 'cube', xaxis: {title: {text: x}}, yaxis: {title: {text: y}},
        zaxis: Object.assign({title: {text: 'train loss'}, range: [r.lo, r.hi + 0.02 * (r.hi - r.lo)]},
            heightTicks(r))}}, fileName(run, snap, '3d-' + s.plane));
    exportLinks(ui.$('surface-exports'), surfaceLinks(base, run, snap, k, s));
  } else {
    draw('chart-contour', [], {titleText: '', emptyText: 'no random-plane surface in this snapshot'});
    draw('chart-surface3d', [], {titleText: '', emptyText: 'no random-plane surface in this snapshot'});
    exportLinks(ui.$('surface-exports'), []);
  }
  await pause();
  const p = surfaceIndex(snap, 'pca');
  if (p >= 0) {
    const s = snap.surfaces[p];
    const toScale = !!(ui.$('pca-to-scale') && ui.$('pca-to-scale').checked);
    draw('chart-pca', [contourTrace(s, scale)].concat(pathTraces(s)),
        Object.assign({titleText: 'PCA plane of the trajectory, iteration ' + snap.iteration + title
            + aspectText(s, toScale)}, squareAxes(s, toScale)), fileName(run, snap, 'contour-pca'));
    exportLinks(ui.$('pca-exports'), surfaceLinks(base, run, snap, p, s));
  } else {
    draw('chart-pca', [], {titleText: 'PCA plane', emptyText: 'no PCA surface in this snapshot'});
    exportLinks(ui.$('pca-exports'), []);
  }
}

function heightTicks(r) {
  const t = logTicks(Math.pow(10, r.lo), Math.pow(10, r.hi));
  return {tickmode: 'array', tickvals: (t.tickvals || []).map(Math.log10), ticktext: t.ticktext};
}

/** The checkpoints' path with its start, its direction (arrows) and the current end. */
function pathTraces(s) {
  const path = s.path || [];
  if (path.length === 0) return [];
  const its = s.pathIterations || [];
  const at = (i) => 'iteration ' + (its[i] === undefined ? '?' : its[i]);
  const last = path.length - 1;
  return [
    {type: 'scatter', mode: 'lines+markers', name: 'path (arrows: direction)', x: path.map((q) => q[0]),
      y: path.map((q) => q[1]), text: path.map((q, i) => at(i)), hovertemplate: '%{text}<extra></extra>',
      line: {color: 'white', width: 2},
      marker: {symbol: 'arrow', angleref: 'previous', size: 10, color: 'white', line: {color: '#333', width: 1}}},
    {type: 'scatter', mode: 'markers+text', name: 'start', x: [path[0][0]], y: [path[0][1]], text: ['start'],
      textposition: 'top center', textfont: {color: 'white'}, hovertext: [at(0)], hoverinfo: 'text',
      marker: {symbol: 'circle', size: 11, color: '#2ca02c', line: {color: 'white', width: 1}}},
    {type: 'scatter', mode: 'markers+text', name: 'current', x: [path[last][0]], y: [path[last][1]],
      text: ['current'], textposition: 'bottom center', textfont: {color: 'white'}, hovertext: [at(last)],
      hoverinfo: 'text', marker: {symbol: 'x', size: 12, color: 'red'}},
  ];
}

/**
 * The slices, one subplot per kind, each on its own α axis: α = 0 is the current point of a random slice; an
 * interpolation "a → b" has a at α = 0 and b at α = 1 (the marks say which).
 */
export function drawSlices(ui, run, snap, scale) {
  const kinds = [...new Set(snap.slices.map((s) => s.kind))];
  const traces = [];
  const links = [];
  const shapes = [];
  const annotations = [];
  const layout = {titleText: '1D slices, iteration ' + snap.iteration, emptyText: 'no slices in this snapshot'};
  const gap = 0.08;
  const width = (1 - gap * (kinds.length - 1)) / Math.max(1, kinds.length);
  kinds.forEach((kind, n) => {
    const ax = n === 0 ? '' : String(n + 1);
    layout['xaxis' + ax] = {title: {text: 'α (' + kind + ')'}, domain: [n * (width + gap), n * (width + gap) + width],
      anchor: 'y', zeroline: false};
    const marks = [];
    snap.slices.forEach((s, k) => {
      if (s.kind !== kind) return;
      const ends = String(s.label || '').split('→').map((e) => e.trim());
      if (ends.length === 2) {
        marks.push([0, ends[0]], [1, ends[1]]);
      } else {
        marks.push([0, 'current']);
      }
      traces.push({type: 'scatter', mode: 'lines+markers', name: kind + ': ' + s.label + ' (train)', x: s.alphas,
        y: s.trainLoss, xaxis: 'x' + ax, yaxis: 'y', marker: {size: 4}});
      if (s.valLoss && s.valLoss.length) {
        traces.push({type: 'scatter', mode: 'lines', name: kind + ': ' + s.label + ' (validation)', x: s.alphas,
          y: s.valLoss, xaxis: 'x' + ax, yaxis: 'y', line: {dash: 'dot'}});
      }
      const u = ui.snapUrl(run, snap.index) + '/slices/' + k;
      const part = 'slice' + k + '-' + kind;
      links.push(['CSV ' + (k + 1), u + '?format=csv', fileName(run, snap, part) + '.csv'],
          ['JSON ' + (k + 1), u + '?format=json', fileName(run, snap, part) + '.json']);
    });
    const seen = new Set();
    for (const [x, label] of marks) {
      if (seen.has(x)) continue;
      seen.add(x);
      shapes.push({type: 'line', xref: 'x' + ax, yref: 'paper', x0: x, x1: x, y0: 0, y1: 1,
        line: {color: '#c33', width: 1, dash: 'dot'}});
      annotations.push({xref: 'x' + ax, yref: 'paper', x, y: 1, yanchor: 'bottom', text: label, showarrow: false,
        font: {size: 11, color: '#c33'}});
    }
  });
  const lo = scale ? Math.pow(10, scale.lo) : null;
  const hi = scale ? Math.pow(10, scale.hi) : null;
  layout.yaxis = Object.assign({title: {text: 'loss'}, type: 'log', exponentformat: 'power'},
      scale ? Object.assign({range: [scale.lo - 0.02, scale.hi + 0.02]}, logTicks(lo, hi))
        : logTicks(...sliceExtent(traces)));
  layout.shapes = shapes;
  layout.annotations = annotations;
  draw('chart-slices', traces, layout, fileName(run, snap, 'slices'));
  exportLinks(ui.$('slice-exports'), links);
}

function sliceExtent(traces) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of traces) {
    for (const v of t.y) {
      if (log10(v) !== null) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  return [lo, hi];
}

/**
 * The snapshot's Hessian spectrum (stochastic Lanczos quadrature of λ_max's run): the Gaussian-smoothed density
 * {@code Σ w_j N(t; θ_j, σ²)} over one eigenvalue range for the whole run ({@code range}, from the server), σ a
 * hundredth of it, on a log axis fixed from the tallest possible peak {@code 1/(σ√(2π))} down six decades; λ₁..λ₃
 * marked with their residuals as horizontal error bars.
 */
export function drawSpectrum(run, snap, range) {
  const sp = snap.spectrum;
  const layout = {titleText: 'Hessian spectrum, iteration ' + snap.iteration,
    emptyText: 'no Hessian spectrum in this snapshot (λ_max off, or power iteration on a model too big for Lanczos)'};
  if (!sp || !sp.values || sp.values.length === 0) {
    draw('chart-spectrum', [], layout);
    return;
  }
  const values = sp.values.filter((v) => typeof v === 'number' && isFinite(v));
  const lo0 = range && range.length === 2 ? range[0] : Math.min(...values);
  const hi0 = range && range.length === 2 ? range[1] : Math.max(...values);
  const sigma = Math.max(hi0 - lo0, Math.abs(hi0) * 1e-3, 1e-12) / 100;
  const lo = lo0 - 5 * sigma;
  const hi = hi0 + 5 * sigma;
  const peak = 1 / (sigma * Math.sqrt(2 * Math.PI));
  const density = (t) => sp.values.reduce((d, v, j) => d + sp.weights[j] * peak
      * Math.exp(-(t - v) * (t - v) / (2 * sigma * sigma)), 0);
  const xs = [];
  for (let i = 0; i <= 400; i++) xs.push(lo + (hi - lo) * i / 400);
  const ys = xs.map(density).map((d) => d > peak * 1e-7 ? d : null); // under the axis: a gap, never log(0)
  const top = sp.values.slice(0, 3);
  const traces = [
    {type: 'scatter', mode: 'lines', name: 'density (' + sp.values.length + ' Ritz values)', x: xs, y: ys,
      line: {color: '#1f77b4'}, hovertemplate: 'eigenvalue %{x:.4g}<br>density %{y:.3g}<extra></extra>'},
    {type: 'scatter', mode: 'markers', name: 'λ₁, λ₂, λ₃ ± residual', x: top,
      y: top.map((v) => Math.max(density(v), peak * 1e-6)),
      error_x: {type: 'data', array: sp.residuals.slice(0, 3), visible: true, color: '#d62728'},
      text: top.map((v, k) => 'λ' + (k + 1) + ' = ' + fmt(v) + ' ± ' + fmt(sp.residuals[k])),
      hovertemplate: '%{text}<extra></extra>', marker: {color: '#d62728', size: 8}},
  ];
  Object.assign(layout, {
    xaxis: {title: {text: 'Hessian eigenvalue (loss/θ²)'}, range: [lo, hi], zeroline: true},
    yaxis: {title: {text: 'density (1/(loss/θ²))'}, type: 'log', exponentformat: 'power',
      range: [Math.log10(peak) - 6, Math.log10(peak) + 0.2]},
  });
  draw('chart-spectrum', traces, layout, fileName(run, snap, 'spectrum'));
}

/** One compared run's newest random-plane surface, on the scale shared by both runs. */
export function drawCompareSurface(id, run, snap, scale, colour) {
  const k = snap ? surfaceIndex(snap, 'random') : -1;
  const title = '<span style="color:' + (colour || '#000') + '">■</span> ' + run;
  if (k < 0) {
    draw(id, [], {titleText: title, emptyText: 'no snapshots yet'});
    return;
  }
  const s = snap.surfaces[k];
  draw(id, [contourTrace(s, scale)], Object.assign({titleText: title + ', iteration ' + snap.iteration},
      squareAxes(s)), fileName(run, snap, 'contour-' + s.plane));
}

export {fmt};
