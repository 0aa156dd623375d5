// landscape4j's page: reads the JSON API under /landscape/api and draws it with Plotly (modules in js/). It computes
// nothing but display transforms (log10 of losses, smoothing). It follows runs live by polling /landscape/api/runs.
import {$, draw, drawMillis, exportLinks, pause, valueAxis} from './js/plot.js';
import {drawCompareSurface, drawSlices, drawSpectrum, drawSurfaces, scaleOf} from './js/surfaces.js';
import {buildPanels, drawSeries, measurePanels, moveMarker, panelTraces, syncZoom, unitText, verdict, X_AXES}
  from './js/series.js';
import {disconnected, offlineSource, runStatus} from './js/status.js';

const API = '/landscape/api';
const POLL_MS = 500;
// While a run trains, its scalars change at every poll; redrawing every chart each time would delay the next
// snapshot on a slow machine, so series are redrawn at most this often (and at once when a snapshot arrives).
const SERIES_MIN_MS = 2000;
const state = {
  runs: [],           // summaries from /runs
  run: null,          // selected run id
  compared: [],       // compared run ids, in the order chosen
  counts: {},         // runId -> {snapshots} last drawn
  snapshots: {},      // runId -> Map(index -> snapshot)
  measures: {},       // runId -> {count, body} of /measures
  details: {},        // runId -> {count, body} of /runs/:run
  scalars: {},        // runId -> newest /scalars
  shown: -1,          // index of the snapshot drawn
  follow: true,       // slider follows the newest snapshot
  playing: false,
  polls: 0,
  shownHistory: [],   // indices drawn, in order (tests read it)
  lastCycleMillis: 0,
  drawMillis,
  seriesCounts: {},
  seriesDrawnAt: 0,
  seriesBusy: false,
  seen: {},           // "runId#count" -> Date.now() when the page first saw that many snapshots (tests read it)
  autoScale: false,
  xAxis: 'iteration',
  smoothing: 0.6, // TensorBoard's default; the raw score stays faint behind the smoothed line
  log: {},            // chart id -> log y axis chosen by the user
  panels: [],
  panelsKey: '',
  offline: null,      // {since, message} while the server cannot be reached
  status: '',         // state of the status line: training, snapshot, finished, disconnected
  notFound: null,     // a ?run= that no attached store holds
  // the view a link asks for (?snapshot=K&compare=RUN&measure=PANEL), applied once what it names is there
  wanted: {snapshot: null, compare: '', measure: ''},
};
window.landscape4j = state; // for tests and curious users

const enc = encodeURIComponent;
const runUrl = (run) => API + '/runs/' + enc(run);
const snapUrl = (run, index) => runUrl(run) + '/snapshots/' + index;
const ui = {$, runUrl, snapUrl, seen: (k) => { state.seen[k] = Date.now(); }};

async function getJson(url) {
  const r = await fetch(url, {cache: 'no-store'});
  const body = await r.json();
  if (!r.ok) {
    throw new Error(url + ': ' + r.status + ' ' + (body.message || ''));
  }
  return body;
}

function setStatus(s) {
  $('status').textContent = s.text;
  $('status').dataset.state = s.state;
  state.status = s.state;
  document.body.dataset.status = s.state;
}

// ---------- runs and polling ----------
async function poll() {
  state.pollStartedAt = Date.now();
  let body;
  try {
    body = await getJson(API + '/runs');
  } catch (e) {
    state.offline = state.offline || {since: Date.now()};
    setStatus(disconnected(state.offline.since, e.message));
    return;
  }
  if (state.offline) {
    // the server may have restarted over other stores: forget what was drawn and read everything again
    state.offline = null;
    state.counts = {};
    state.snapshots = {};
    state.measures = {};
    state.details = {};
    state.seriesCounts = {};
    state.compareKey = '';
  }
  state.runs = body.runs;
  state.polls++;
  fillSelects();
  $('no-runs').hidden = state.runs.length > 0;
  if (state.runs.length === 0) {
    setStatus({state: 'waiting', text: 'connected · no landscape4j run in the attached stores yet'});
  }
  let first = false;
  if ((!state.run || !summary(state.run)) && state.runs.length > 0) {
    state.run = pickInitialRun();
    first = true;
  }
  if (state.wanted.compare && state.run) { // a link's compared runs, those the stores hold
    state.compared = state.wanted.compare.split(',').filter((r) => r !== state.run && summary(r));
    state.wanted.compare = '';
    fillSelects();
    drawCompared();
  }
  if (state.run) {
    $('run').value = state.run;
    await refreshRun(state.run, first);
  }
  if (state.compared.length) {
    await refreshCompare(false);
  }
}

function pickInitialRun() {
  const wanted = state.run || new URLSearchParams(location.search).get('run');
  const newest = state.runs[state.runs.length - 1].runId;
  if (wanted && !state.runs.some((r) => r.runId === wanted)) {
    state.notFound = wanted;
    $('not-found').hidden = false;
    $('not-found').textContent = 'No run "' + wanted + '" in the attached stores (' + storeNames().join(', ')
        + '). Showing the newest run, ' + newest + '; pick another above.';
    return newest;
  }
  return wanted || newest;
}

const storeNames = () => [...new Set(state.runs.map((r) => r.store))];
/** A store's file name, from its description (a path, or DL4J's "FileStatsStorage(/path/file.db)"). */
const shortStore = (s) => String(s).replace(/^[A-Za-z]+\((.*)\)$/, '$1').split(/[\\/]/).pop();

function fillSelects() {
  const stores = storeNames();
  const seenIds = new Map();
  const options = besideSources(state.runs).map((r) => {
    const dup = seenIds.get(r.runId);
    seenIds.set(r.runId, dup || r.store);
    const offline = r.source ? offlineSource(r.source) : null;
    const label = (offline ? '  ↳ ' : '') + r.runId + (r.name && r.name !== r.runId ? ' · ' + r.name : '')
        + (offline ? ' · offline snapshot of ' + offline.run + ' (' + offline.checkpoint + ')'
          : ' (' + r.snapshots + ' snapshot' + (r.snapshots === 1 ? '' : 's') + ')')
        + (stores.length > 1 ? ' · ' + shortStore(r.store) : '')
        + (dup ? ' · same id as in ' + shortStore(dup) + ': not reachable' : '');
    return {label, value: r.runId, disabled: !!dup, title: r.store};
  });
  for (const [id, blank] of [['run', false], ['compare', true]]) {
    const sel = $(id);
    const want = options.filter((o) => !blank || (o.value !== state.run && !state.compared.includes(o.value)))
        .map((o) => o.label);
    const have = Array.from(sel.options).filter((o) => o.value !== '').map((o) => o.text);
    if (want.join('\n') === have.join('\n')) continue;
    const value = sel.value;
    sel.replaceChildren();
    if (blank) sel.add(new Option('(none)', ''));
    for (const o of options) {
      if (blank && (o.value === state.run || state.compared.includes(o.value))) continue; // itself, or twice
      const opt = new Option(o.label, o.disabled ? '' : o.value);
      opt.disabled = o.disabled;
      opt.title = o.title;
      sel.add(opt);
    }
    sel.value = blank ? '' : value;
  }
}

/** The runs in their order, each offline snapshot run right after the run whose checkpoint it was computed from. */
function besideSources(runs) {
  const ids = new Set(runs.map((r) => r.runId));
  const sourceOf = (r) => (r.source ? offlineSource(r.source).run : null);
  const out = [];
  for (const r of runs) {
    if (sourceOf(r) && ids.has(sourceOf(r))) continue; // placed after its source below
    out.push(r);
    out.push(...runs.filter((o) => sourceOf(o) === r.runId));
  }
  return out;
}

/** One colour per run wherever runs are compared: the shown run first, then the compared ones in order. */
const RUN_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const runColour = (i) => RUN_COLOURS[i % RUN_COLOURS.length];

/** The compared runs as removable chips next to the picker, each in its colour. */
function drawCompared() {
  const box = $('compared');
  box.replaceChildren(...state.compared.map((run, i) => {
    const chip = document.createElement('span');
    chip.className = 'chip';
    chip.style.borderColor = runColour(i + 1);
    chip.dataset.run = run;
    chip.textContent = run + ' ';
    const x = document.createElement('button');
    x.textContent = '×';
    x.title = 'stop comparing ' + run;
    x.addEventListener('click', async () => {
      state.compared = state.compared.filter((r) => r !== run);
      fillSelects();
      drawCompared();
      writeUrl();
      await refreshCompare(true);
    });
    chip.appendChild(x);
    return chip;
  }));
}

const summary = (run) => state.runs.find((r) => r.runId === run);

async function measuresOf(run, count) {
  const m = state.measures[run];
  if (m && m.count === count) return m.body;
  const body = await getJson(runUrl(run) + '/measures');
  state.measures[run] = {count, body};
  return body;
}

async function detailOf(run, count) {
  const d = state.details[run];
  if (d && d.count === count) return d.body;
  const body = await getJson(runUrl(run));
  state.details[run] = {count, body};
  return body;
}

/**
 * The view in the URL, so a link reproduces it: run, snapshot (numbered from 1 as on the slider; absent while the
 * slider follows the newest), compared run, x axis, smoothing and the compared measure (absent at their defaults).
 */
function writeUrl() {
  if (!state.run) return;
  const u = new URL(location.href);
  const set = (key, value, fallback) => {
    if (value === null || value === undefined || value === '' || value === fallback) u.searchParams.delete(key);
    else u.searchParams.set(key, String(value));
  };
  set('run', state.run);
  set('snapshot', !state.follow && state.shown >= 0 ? state.shown + 1 : null);
  set('compare', state.compared.join(','));
  set('x', state.xAxis, 'iteration');
  set('smoothing', state.smoothing, 0.6);
  set('measure', state.compared.length ? $('compare-measure').value : null);
  if (u.href !== location.href) history.replaceState(null, '', u);
}

/** Reads the view a link asks for: the x axis and smoothing now, the rest once the runs are there. */
function readUrl() {
  const q = new URLSearchParams(location.search);
  const x = q.get('x');
  if (x && X_AXES[x]) {
    state.xAxis = x;
    $('x-axis').value = x;
  }
  const smoothing = Number(q.get('smoothing'));
  if (q.has('smoothing') && smoothing >= 0 && smoothing < 1) {
    state.smoothing = smoothing;
    $('smoothing').value = String(smoothing);
    $('smoothing-value').textContent = smoothing.toFixed(2);
  }
  const k = Number(q.get('snapshot'));
  if (Number.isInteger(k) && k >= 1) state.wanted.snapshot = k - 1;
  state.wanted.compare = q.get('compare') || '';
  state.wanted.measure = q.get('measure') || '';
}

// Snapshots are checked at every poll; the series are redrawn on their own, one chart at a time with pauses in
// between (not awaited by the poll), so a slow redraw never holds back the next snapshot.
async function refreshRun(run, force) {
  const s = summary(run);
  if (!s) return;
  if (force) writeUrl();
  const before = state.counts[run] || {snapshots: -1};
  const changed = before.snapshots !== s.snapshots;
  if (force || changed) {
    state.seen[run + '#' + s.snapshots] = Date.now();
    state.counts[run] = {snapshots: s.snapshots};
    // the newest snapshot, its run's colour range and (for a new run) its descriptors, fetched at once
    if (s.snapshots > 0) snapshot(run, s.snapshots - 1).catch(() => {});
    const [detail] = await Promise.all([force || !state.details[run] ? detailOf(run, s.snapshots)
      : state.details[run].body, measuresOf(run, s.snapshots)]);
    preparePanels(detail);
    await updateSlider(run, s.snapshots, force);
    drawMetadata(run, Object.assign({}, detail, {snapshots: s.snapshots}));
  }
  refreshSeries(run, s, force);
  setStatus(runStatus(s, state.scalars[run], state.details[run] && state.details[run].body.listenerConfig));
  const progress = s.progress ? s.progress.state + ' ' + (s.progress.note || '') : '';
  if (progress !== state.progressShown) {
    state.progressShown = progress; // "being computed" / "off" / "ended" notes follow the run's state
    $('no-snapshots').textContent = noSnapshotsText(run);
  }
  document.body.dataset.snapshots = String(s.snapshots);
}

/** Why the last snapshot due was not taken, from the run's progress record (empty when there is no such note). */
function noteText(run) {
  const s = summary(run);
  return s && s.progress && s.progress.note ? ' (' + s.progress.note + ')' : '';
}

function emptyText(run) {
  const s = summary(run);
  const d = state.details[run] && state.details[run].body;
  const schedule = d && d.listenerConfig ? d.listenerConfig.snapshot : undefined;
  if (s && s.snapshots > 0) return 'not measured in this run\'s snapshots';
  if (s && s.progress && s.progress.state === 'snapshot') return 'the first snapshot is being computed';
  if (schedule === 'off') return 'snapshots are off for this run (snapshot=off)';
  if (s && s.progress && s.progress.state === 'finished') return 'the run ended before its first snapshot';
  return 'appears with the first snapshot';
}

function preparePanels(detail) {
  const panels = measurePanels(detail.measures || []);
  const key = panels.map((p) => p.id + ':' + p.measures.map((d) => d.key).join(',')).join('|');
  state.panels = panels;
  if (key !== state.panelsKey) {
    state.panelsKey = key;
    buildPanels(panels, (id, on) => {
      state.log[id] = on;
      redrawSeries();
    });
    fillCompareMeasure();
  }
}

function redrawSeries() {
  if (state.run) {
    state.seriesCounts[state.run] = null;
    const s = summary(state.run);
    if (s) refreshSeries(state.run, s, true);
  }
}

async function refreshSeries(run, s, force) {
  if (state.seriesBusy && !force) return;
  const before = state.seriesCounts[run] || {snapshots: -1, scalarRecords: -1};
  const due = force || before.snapshots !== s.snapshots
      || (before.scalarRecords !== s.scalarRecords && Date.now() - state.seriesDrawnAt >= SERIES_MIN_MS);
  if (!due) return;
  state.seriesBusy = true;
  try {
    state.seriesCounts[run] = {snapshots: s.snapshots, scalarRecords: s.scalarRecords};
    const [scalars, measures] = await Promise.all([getJson(runUrl(run) + '/scalars'), measuresOf(run, s.snapshots)]);
    state.scalars[run] = scalars;
    if (run !== state.run) return;
    hideUnmeasuredPanels(measures, s.snapshots);
    await drawSeries(ui, run, scalars, measures, seriesOptions(run, measures));
    syncZoom();
    state.seriesDrawnAt = Date.now();
  } catch (e) {
    state.seriesCounts[run] = null; // try again at the next poll
    console.warn('landscape4j: series of ' + run + ': ' + e.message);
  } finally {
    state.seriesBusy = false;
  }
}

/**
 * Once a run has snapshots, a panel none of whose measures has a value in any of them (e.g. regression errors of a
 * classifier, per-output losses of a single-output network) is hidden rather than drawn empty.
 */
function hideUnmeasuredPanels(m, snapshots) {
  const values = (m && m.measures) || {};
  for (const p of state.panels) {
    const fig = document.querySelector('figure[data-panel="' + p.id + '"]');
    if (!fig) continue;
    const measured = p.measures.some((d) => (values[d.key] || []).some((v) => v !== null && v !== undefined));
    fig.hidden = snapshots > 0 && !measured;
  }
}

function seriesOptions(run, m) {
  const offline = summary(run) && summary(run).source;
  return {xAxis: state.xAxis, smoothing: state.smoothing, log: state.log, panels: state.panels,
    emptyText: emptyText(run), shown: state.shown, marker: markerX(m, state.shown),
    scalarsEmptyText: offline ? 'an offline snapshot has no training series (its source run ' + offlineSource(offline).run
      + ' has them)' : undefined};
}

function markerX(m, index) {
  if (!m || index < 0 || index >= m.index.length) return null;
  return X_AXES[state.xAxis].measures(m, state.scalars[state.run])[index];
}

// ---------- snapshots: slider, play, surfaces ----------
// caches the request, not only the answer: a snapshot asked for twice at once is fetched once
async function snapshot(run, index) {
  const cache = state.snapshots[run] || (state.snapshots[run] = new Map());
  if (!cache.has(index)) {
    const pending = getJson(snapUrl(run, index));
    cache.set(index, pending);
    pending.catch(() => cache.delete(index));
  }
  return cache.get(index);
}

function scaleFor(runs) {
  return scaleOf(runs.map((r) => state.measures[r] && state.measures[r].body.lossRange), state.autoScale);
}

async function updateSlider(run, count, force) {
  const slider = $('slider');
  const wasNewest = state.follow || Number(slider.value) >= Number(slider.max);
  slider.max = String(Math.max(0, count - 1));
  slider.disabled = count === 0;
  $('play').disabled = count < 2;
  $('no-snapshots').hidden = count > 0;
  $('no-snapshots').textContent = noSnapshotsText(run);
  const wasEmpty = $('landscape').classList.contains('empty');
  $('landscape').classList.toggle('empty', count === 0); // no big blank panels before the first snapshot
  const measuresWereEmpty = $('measures').classList.contains('empty');
  $('measures').classList.toggle('empty', count === 0);
  if (measuresWereEmpty && count > 0) {
    requestAnimationFrame(() => state.panels.forEach((p) => $(p.id) && $(p.id).data && Plotly.Plots.resize($(p.id))));
  }
  if (wasEmpty && count > 0) {
    requestAnimationFrame(() => LANDSCAPE_CHARTS.forEach((id) => Plotly.Plots.resize($(id))));
  }
  if (count === 0) {
    state.shown = -1;
    clearLandscape();
    return;
  }
  if (state.wanted.snapshot !== null && run === state.run) { // a link's snapshot (the newest if not there yet)
    const k = Math.min(state.wanted.snapshot, count - 1);
    state.wanted.snapshot = null;
    state.follow = k >= count - 1;
    slider.value = String(k);
    await showSnapshot(run, k);
    return;
  }
  if (wasNewest || force || state.shown < 0) {
    slider.value = String(count - 1);
    await showSnapshot(run, count - 1);
  }
}

/**
 * A reduced snapshot says so, with its grid and probe: the budget schedule took a cheaper level because the full one
 * did not fit yet (see docs/recording.md, Snapshot levels).
 */
function levelText(snap) {
  const level = snap.level || 'full';
  if (level === 'full') return '';
  const grid = snap.surfaces && snap.surfaces.length ? snap.surfaces[0].xs.length : null;
  const train = snap.probe && snap.probe.train ? snap.probe.train.split(' ')[0] : null;
  return ' · ' + level + ' snapshot (' + [grid ? grid + '×' + grid + ' grid' : null,
    train ? 'probe of ' + train : null].filter((x) => x).join(', ') + '; fewer measures: the full one did not fit'
      + ' the time budget yet)';
}

function noSnapshotsText(run) {
  const e = emptyText(run);
  if (e.startsWith('snapshots are off')) {
    return 'This run takes no landscape snapshots (snapshot=off): the charts below show its scalars.';
  }
  if (e.startsWith('the run ended')) return 'The run ended before its first landscape snapshot' + noteText(run) + '.';
  if (e.startsWith('the first snapshot')) {
    return 'The first landscape snapshot is being computed (see the status line); it appears here when done.';
  }
  return 'No snapshots yet: the charts below follow the run; surfaces, slices and the snapshot measures appear'
      + ' with the first landscape snapshot' + noteText(run) + '.';
}

async function showSnapshot(run, index) {
  const snap = await snapshot(run, index);
  if (run !== state.run) return;
  if (!state.newest || state.newest.run !== run || state.newest.snap.index <= snap.index) {
    state.newest = {run, snap}; // its probe is shown in the run's metadata
  }
  state.shown = index;
  state.shownHistory.push(index);
  writeUrl();
  state.seen[run + '#shown' + index] = Date.now();
  const count = summary(run) ? summary(run).snapshots : index + 1;
  $('snapshot-label').textContent = 'snapshot ' + (index + 1) + ' of ' + count + ' · iteration '
      + snap.iteration + ' · epoch ' + snap.epoch + levelText(snap);
  document.body.dataset.shownLevel = snap.level || 'full';
  document.body.dataset.shownSnapshot = String(index);
  if (snap.measures && snap.measures.diverged === 1) { // no landscape: never a clipped flat surface
    for (const id of LANDSCAPE_CHARTS) draw(id, [], {titleText: '', emptyText: 'undefined: the model has diverged'});
    $('snapshot-label').textContent += ' · undefined: the model has diverged (non-finite parameters or outputs)';
    document.body.dataset.diverged = 'true';
    const md = state.measures[run] && state.measures[run].body;
    moveMarker(markerX(md, index));
    updateVerdicts(md, index);
    return;
  }
  delete document.body.dataset.diverged;
  const scale = scaleFor([run]);
  await drawSurfaces(ui, run, snap, scale);
  await pause();
  drawSlices(ui, run, snap, scale);
  const m = state.measures[run] && state.measures[run].body;
  drawSpectrum(run, snap, m && m.spectrumRange);
  moveMarker(markerX(m, index));
  updateVerdicts(m, index);
}

function updateVerdicts(m, index) {
  if (!m) return;
  for (const p of state.panels) {
    if (p.verdict && $(p.id + '-verdict')) $(p.id + '-verdict').textContent = verdict(p, m, index);
  }
}

const LANDSCAPE_CHARTS = ['chart-contour', 'chart-surface3d', 'chart-pca', 'chart-slices', 'chart-spectrum'];

function clearLandscape() {
  for (const id of LANDSCAPE_CHARTS) {
    draw(id, [], {titleText: '', emptyText: 'no snapshots yet'});
  }
  $('snapshot-label').textContent = 'no snapshots yet';
  $('surface-plane').textContent = '';
  for (const id of ['surface-exports', 'pca-exports', 'slice-exports']) {
    exportLinks($(id), []);
  }
}

// ---------- metadata ----------
function drawMetadata(run, d) {
  const newest = state.newest && state.newest.run === run ? state.newest.snap : null;
  const probe = newest ? newest.probe : null;
  const rows = [
    ['run id', d.runId], ['name', d.name], ['tags', d.tags.join(', ')], ['store', d.store],
    ['model', d.modelClass + ', ' + d.numParams.toLocaleString('en') + ' parameters'],
    ['tensors', d.tensors.map((t) => t.name + ' [' + t.shape.join('×') + ']').join(', ')],
    ['seed', String(d.seed)], ['started', d.startTime],
    ['options', Object.entries(d.listenerConfig).sort().map(([k, v]) => k + '=' + v).join('  ')],
    ['probe', probe ? Object.entries(probe).map(([k, v]) => k + '=' + v).join('  ')
      : d.snapshots > 0 ? '(see the snapshots)' : '(no snapshot yet)'],
    ['versions', Object.entries(d.versions).sort().map(([k, v]) => k + ' ' + v).join(', ')],
  ];
  $('meta').replaceChildren(...rows.map(([k, v]) => {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    const td = document.createElement('td');
    th.textContent = k;
    td.textContent = v;
    tr.append(th, td);
    return tr;
  }));
  let config = d.modelConfigJson;
  try {
    config = JSON.stringify(JSON.parse(config), null, 2);
  } catch (e) { /* shown as stored */ }
  $('model-config').textContent = config;
  const u = runUrl(run);
  exportLinks($('run-exports'), [['scalars CSV', u + '/scalars?format=csv', run + '-scalars.csv'],
    ['measures CSV', u + '/measures?format=csv', run + '-measures.csv'],
    ['metadata JSON', u, run + '-run.json'], ['everything (ZIP)', u + '/archive', run + '-archive.zip']]);
}

// ---------- comparison ----------
function fillCompareMeasure() {
  const sel = $('compare-measure');
  const value = sel.value;
  sel.replaceChildren(...state.panels.filter((p) => !p.diagnostic).map((p) =>
    new Option(p.measures.map((d) => d.label).join(', ') + ' [' + unitText(p.unit) + ']', p.id)));
  if ([...sel.options].some((o) => o.value === value)) sel.value = value;
  if (state.wanted.measure && [...sel.options].some((o) => o.value === state.wanted.measure)) {
    sel.value = state.wanted.measure;
    state.wanted.measure = '';
  }
}

async function refreshCompare(force) {
  const runs = state.run ? [state.run].concat(state.compared.filter((r) => r !== state.run)) : [];
  $('compare-section').hidden = runs.length < 2;
  if (runs.length < 2) return;
  const summaries = runs.map(summary);
  if (summaries.some((s) => !s)) return;
  const key = runs.map((r, i) => [r, summaries[i].snapshots, summaries[i].scalarRecords].join(':'))
      .concat([state.autoScale, $('compare-measure').value, state.xAxis]).join('|');
  if (!force && state.compareKey === key) return;
  state.compareKey = key;
  $('compare-title').textContent = runs.join(' vs ');
  const load = async (run, s) => ({
    scalars: await getJson(runUrl(run) + '/scalars'),
    measures: await measuresOf(run, s.snapshots),
    snap: s.snapshots > 0 ? await snapshot(run, s.snapshots - 1) : null,
  });
  const data = await Promise.all(runs.map((r, i) => load(r, summaries[i])));
  const scale = scaleFor(runs); // one colour scale for every run
  const row = $('compare-surfaces');
  if (row.children.length !== runs.length || [...row.children].some((f, i) => f.dataset.run !== runs[i])) {
    row.replaceChildren(...runs.map((run, i) => {
      const f = document.createElement('figure');
      f.className = 'square';
      f.dataset.run = run;
      f.innerHTML = '<div id="chart-compare-' + i + '" class="chart"></div><figcaption></figcaption>';
      return f;
    }));
  }
  runs.forEach((run, i) => {
    drawCompareSurface('chart-compare-' + i, run, data[i].snap, scale, runColour(i));
    row.children[i].querySelector('figcaption').textContent = 'Newest surface of ' + run + ' (train loss, log'
        + ' colour scale' + (scale ? ', one for all ' + runs.length + ' runs' : ', auto') + ').';
  });
  const xs = X_AXES[state.xAxis];
  const score = runs.map((run, i) => ({type: 'scatter', mode: 'lines', name: run, x: xs.scalars(data[i].scalars),
    y: data[i].scalars.score, line: {color: runColour(i)}}));
  draw('chart-compare-score', score, {titleText: 'score', xaxis: {title: {text: xs.title}},
    yaxis: valueAxis(score, false, 'loss')}, runs.join('-vs-') + '-score');
  const p = state.panels.find((q) => q.id === $('compare-measure').value) || state.panels.find((q) => !q.diagnostic);
  if (p) {
    const traces = runs.flatMap((run, i) => panelTraces(p, data[i].measures,
        xs.measures(data[i].measures, data[i].scalars), run, runColour(i)));
    draw('chart-compare-measures', traces, {titleText: p.measures.map((q) => q.label).join(', '),
      xaxis: {title: {text: xs.title}}, yaxis: valueAxis(traces, false, unitText(p.unit)),
      emptyText: 'not measured in these runs'}, runs.join('-vs-') + '-' + p.group);
  }
}

// ---------- controls ----------
$('run').addEventListener('change', async (e) => {
  if (!e.target.value) return;
  state.run = e.target.value;
  state.follow = true;
  state.shown = -1;
  state.compared = state.compared.filter((r) => r !== state.run); // never compared with itself
  fillSelects();
  drawCompared();
  $('not-found').hidden = true;
  stopPlaying();
  await refreshRun(state.run, true);
  await refreshCompare(true);
});
$('compare').addEventListener('change', async (e) => {
  const run = e.target.value;
  if (!run) return;
  if (!state.compared.includes(run) && run !== state.run) state.compared.push(run);
  fillSelects();
  drawCompared();
  writeUrl();
  await refreshCompare(true);
});
$('compare-measure').addEventListener('change', () => {
  writeUrl();
  refreshCompare(true);
});
$('slider').addEventListener('input', async (e) => {
  const i = Number(e.target.value);
  state.follow = i >= Number(e.target.max);
  await showSnapshot(state.run, i);
});
$('auto-scale').addEventListener('change', async (e) => {
  state.autoScale = e.target.checked;
  if (state.run && state.shown >= 0) await showSnapshot(state.run, state.shown);
  await refreshCompare(true);
});
$('pca-to-scale').addEventListener('change', async () => {
  if (state.run && state.shown >= 0) await showSnapshot(state.run, state.shown);
});
$('x-axis').addEventListener('change', (e) => {
  state.xAxis = e.target.value;
  writeUrl();
  redrawSeries();
  refreshCompare(true);
});
$('smoothing').addEventListener('input', (e) => {
  state.smoothing = Number(e.target.value);
  $('smoothing-value').textContent = state.smoothing.toFixed(2);
  writeUrl();
  redrawSeries();
});
document.querySelectorAll('.log-toggle[data-chart] input').forEach((box) => box.addEventListener('change', () => {
  state.log[box.parentElement.dataset.chart] = box.checked;
  redrawSeries();
}));

function stopPlaying() {
  state.playing = false;
  $('play').textContent = '▶ Play';
  writeUrl();
}

// Steps one snapshot at a time, each drawn before the next is fetched, so slow drawing never piles up.
$('play').addEventListener('click', async () => {
  if (state.playing) {
    stopPlaying();
    return;
  }
  const slider = $('slider');
  let i = Number(slider.value) >= Number(slider.max) ? 0 : Number(slider.value);
  state.follow = false;
  state.playing = true;
  $('play').textContent = '❚❚ Pause';
  const run = state.run;
  while (state.playing && run === state.run && i <= Number(slider.max)) {
    slider.value = String(i);
    const started = Date.now();
    await showSnapshot(run, i);
    await new Promise((r) => setTimeout(r, Math.max(0, 700 - (Date.now() - started))));
    i++;
  }
  if (state.playing) {
    state.follow = true;
  }
  stopPlaying();
});

// Polls one at a time: a slow answer must not pile requests up.
async function loop() {
  const started = performance.now();
  try {
    await poll();
    state.lastCycleMillis = Math.round(performance.now() - started);
  } catch (e) {
    $('status').textContent = 'error: ' + e.message;
    console.warn('landscape4j: ' + (e.stack || e));
  }
  setTimeout(loop, POLL_MS);
}
readUrl();
clearLandscape();
loop();
