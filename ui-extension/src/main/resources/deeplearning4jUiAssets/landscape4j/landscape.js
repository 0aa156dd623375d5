// landscape4j's page: reads the JSON API under /landscape/api and draws it with Plotly. It computes nothing but
// display transforms (log10 of losses). It follows runs live by polling /landscape/api/runs every second.
(function () {
  'use strict';
  const API = '/landscape/api';
  const POLL_MS = 500;
  // While a run trains, its scalars change at every poll; redrawing six charts each time would delay the next
  // snapshot on a slow machine, so series are redrawn at most this often (and at once when a snapshot arrives).
  const SERIES_MIN_MS = 2000;
  const state = {
    runs: [],           // summaries from /runs
    run: null,          // selected run id
    compare: '',        // compared run id or ''
    counts: {},         // runId -> {snapshots, scalarRecords} last drawn
    snapshots: {},      // runId -> Map(index -> snapshot)
    shown: -1,          // index of the snapshot drawn
    follow: true,       // slider follows the newest snapshot
    playing: false,     // the play button is stepping
    polls: 0,
    shownHistory: [],   // indices drawn, in order (tests read it)
    lastCycleMillis: 0, // how long the last poll-and-draw took
    drawMillis: {},     // chart id -> how long its last draw took
    seriesCounts: {},   // runId -> counts the series charts were drawn for
    seriesDrawnAt: 0,
    seriesBusy: false,
    seen: {},           // "runId#count" -> Date.now() when the page first saw that many snapshots (tests read it)
  };
  window.landscape4j = state; // for tests and curious users

  const $ = (id) => document.getElementById(id);
  // lets the browser paint and answer between charts: after the next frame, then after other queued tasks
  const pause = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const enc = encodeURIComponent;
  const runUrl = (run) => API + '/runs/' + enc(run);

  async function getJson(url) {
    const r = await fetch(url, {cache: 'no-store'});
    const body = await r.json();
    if (!r.ok) {
      throw new Error(url + ': ' + r.status + ' ' + (body.message || ''));
    }
    return body;
  }

  // ---------- Plotly helpers ----------
  const CONFIG = {
    responsive: true, displaylogo: false,
    toImageButtonOptions: {format: 'png', scale: 2},
    modeBarButtonsToAdd: [{
      name: 'Download plot as SVG', icon: Plotly.Icons.disk,
      click: (gd) => Plotly.downloadImage(gd, {format: 'svg', filename: gd.id})
    }],
  };
  const MARGIN = {l: 60, r: 64, t: 40, b: 80};

  function draw(id, traces, layout) {
    const gd = $(id);
    // titles on the left: the modebar sits on the right; legends below the x-axis title
    const base = {margin: MARGIN, uirevision: id,
      title: {text: layout.titleText || '', font: {size: 14}, x: 0.01, xref: 'container', xanchor: 'left'},
      legend: {orientation: 'h', y: -0.3, yanchor: 'top'}};
    delete layout.titleText;
    const empty = traces.every((t) => !hasData(t));
    if (empty) {
      base.xaxis = {visible: false};
      base.yaxis = {visible: false};
      base.annotations = [{text: layout.emptyText || 'not measured yet', showarrow: false, xref: 'paper',
        yref: 'paper', x: 0.5, y: 0.5, font: {size: 14, color: '#888'}}];
    }
    delete layout.emptyText;
    const started = performance.now();
    Plotly.react(gd, traces, Object.assign(base, empty ? {} : layout), CONFIG);
    state.drawMillis[id] = Math.round(performance.now() - started);
  }

  function hasData(t) {
    const v = t.z || t.y;
    if (!v) return false;
    return v.some((row) => Array.isArray(row) ? row.some(finite) : finite(row));
  }

  const finite = (v) => typeof v === 'number' && isFinite(v);
  const log10 = (v) => finite(v) && v > 0 ? Math.log10(v) : null;
  const logGrid = (g) => (g || []).map((row) => row.map(log10));

  function exportLinks(el, links) {
    el.replaceChildren(...links.map(([label, href]) => {
      const a = document.createElement('a');
      a.textContent = label;
      a.href = href;
      a.setAttribute('download', '');
      return a;
    }));
  }

  // ---------- runs and polling ----------
  async function poll() {
    state.pollStartedAt = Date.now();
    let body;
    try {
      body = await getJson(API + '/runs');
    } catch (e) {
      $('status').textContent = 'server not reachable: ' + e.message;
      return;
    }
    state.runs = body.runs;
    state.polls++;
    fillSelects();
    $('no-runs').hidden = state.runs.length > 0;
    const first = !state.run && state.runs.length > 0;
    if (first) {
      state.run = pickInitialRun();
      $('run').value = state.run;
    }
    if (state.run) {
      await refreshRun(state.run, first);
    }
    if (state.compare) {
      await refreshCompare(false);
    }
  }

  function pickInitialRun() {
    const wanted = new URLSearchParams(location.search).get('run');
    if (wanted && state.runs.some((r) => r.runId === wanted)) return wanted;
    return state.runs[state.runs.length - 1].runId; // the newest
  }

  function fillSelects() {
    const label = (r) => r.runId + ' (' + r.snapshots + ' snapshot' + (r.snapshots === 1 ? '' : 's') + ')';
    for (const [id, blank] of [['run', false], ['compare', true]]) {
      const sel = $(id);
      const want = state.runs.map(label);
      const have = Array.from(sel.options).filter((o) => o.value !== '').map((o) => o.text);
      if (want.join('\n') === have.join('\n')) continue;
      const value = sel.value;
      sel.replaceChildren();
      if (blank) sel.add(new Option('(none)', ''));
      for (const r of state.runs) {
        sel.add(new Option(label(r), r.runId));
      }
      sel.value = value;
    }
  }

  const summary = (run) => state.runs.find((r) => r.runId === run);

  // Snapshots are checked at every poll; the series are redrawn on their own, one chart at a time with pauses in
  // between (not awaited by the poll), so a slow redraw never holds back the next snapshot.
  async function refreshRun(run, force) {
    const s = summary(run);
    if (!s) return;
    const before = state.counts[run] || {snapshots: -1};
    if (force || before.snapshots !== s.snapshots) {
      state.seen[run + '#' + s.snapshots] = Date.now();
      state.counts[run] = {snapshots: s.snapshots};
      await updateSlider(run, s.snapshots, force); // the new snapshot first: it is what people wait for
    }
    refreshSeries(run, s, force);
    if (force) {
      await drawMetadata(run);
    }
    setStatus(s);
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
      const [scalars, measures] = await Promise.all([
        getJson(runUrl(run) + '/scalars'), getJson(runUrl(run) + '/measures')]);
      if (run !== state.run) return;
      await drawSeries(run, scalars, measures);
      state.seriesDrawnAt = Date.now();
    } catch (e) {
      state.seriesCounts[run] = null; // try again at the next poll
      $('status').textContent = 'error: ' + e.message;
    } finally {
      state.seriesBusy = false;
    }
  }

  function setStatus(s) {
    const t = new Date().toLocaleTimeString();
    $('status').textContent = 'live · ' + s.snapshots + ' snapshot' + (s.snapshots === 1 ? '' : 's') + ' · '
        + s.scalarRecords + ' scalar commits · checked ' + t;
    document.body.dataset.snapshots = String(s.snapshots);
  }

  // ---------- snapshots: slider, play, surfaces ----------
  async function snapshot(run, index) {
    const cache = state.snapshots[run] || (state.snapshots[run] = new Map());
    if (!cache.has(index)) {
      cache.set(index, await getJson(runUrl(run) + '/snapshots/' + index));
    }
    return cache.get(index);
  }

  async function updateSlider(run, count, force) {
    const slider = $('slider');
    const wasNewest = state.follow || Number(slider.value) >= Number(slider.max);
    slider.max = String(Math.max(0, count - 1));
    slider.disabled = count === 0;
    $('play').disabled = count < 2;
    $('no-snapshots').hidden = count > 0;
    const wasEmpty = $('landscape').classList.contains('empty');
    $('landscape').classList.toggle('empty', count === 0); // no big blank panels before the first snapshot
    if (wasEmpty && count > 0) {
      requestAnimationFrame(() => LANDSCAPE_CHARTS.forEach((id) => Plotly.Plots.resize($(id))));
    }
    if (count === 0) {
      state.shown = -1;
      clearLandscape();
      return;
    }
    if (wasNewest || force || state.shown < 0) {
      slider.value = String(count - 1);
      await showSnapshot(run, count - 1);
    }
  }

  async function showSnapshot(run, index) {
    const snap = await snapshot(run, index);
    if (run !== state.run) return;
    state.shown = index;
    state.shownHistory.push(index);
    state.seen[run + '#shown' + index] = Date.now();
    const count = summary(run) ? summary(run).snapshots : index + 1;
    $('snapshot-label').textContent = 'snapshot ' + (index + 1) + ' of ' + count + ' · iteration '
        + snap.iteration + ' · epoch ' + snap.epoch;
    document.body.dataset.shownSnapshot = String(index);
    await drawSurfaces(run, snap);
    await pause();
    drawSlices(run, snap);
  }

  function surfaceIndex(snap, plane) {
    const i = snap.surfaces.findIndex((s) => s.plane === plane);
    if (i >= 0 || plane !== 'random') return i;
    return snap.surfaces.findIndex((s) => s.plane !== 'pca');
  }

  function contourTrace(s) {
    return {type: 'contour', x: s.xs, y: s.ys, z: logGrid(s.trainLoss), colorscale: 'Viridis', ncontours: 24,
      connectgaps: false, colorbar: {title: {text: 'log10 loss'}},
      hovertemplate: 'a=%{x:.3f}<br>b=%{y:.3f}<br>log10 loss=%{z:.4f}<extra></extra>'};
  }

  function axisLabels(s) {
    const labels = s.axisLabels && s.axisLabels.length === 2 ? s.axisLabels : ['d1', 'd2'];
    return {xaxis: {title: {text: labels[0]}}, yaxis: {title: {text: labels[1]}}};
  }

  async function drawSurfaces(run, snap) {
    const base = snapUrl(run, snap.index) + '/surfaces/';
    const k = surfaceIndex(snap, 'random');
    if (k >= 0) {
      const s = snap.surfaces[k];
      $('surface-plane').textContent = '(' + s.plane + ' plane, ' + s.normalization + ' normalization)';
      draw('chart-contour', [contourTrace(s),
        {type: 'scatter', mode: 'markers', x: [0], y: [0], name: 'current point', showlegend: false,
          marker: {color: 'red', size: 9, symbol: 'x'}}],
      Object.assign({titleText: 'log10 train loss, iteration ' + snap.iteration}, axisLabels(s)));
      state.seen[run + '#drawn' + snap.index] = Date.now();
      await pause();
      draw('chart-surface3d', [{type: 'surface', x: s.xs, y: s.ys, z: s.trainLoss, colorscale: 'Viridis',
        colorbar: {title: {text: 'loss'}}}],
      {titleText: 'train loss, iteration ' + snap.iteration, margin: {l: 0, r: 0, t: 36, b: 0},
        scene: {xaxis: {title: {text: 'a'}}, yaxis: {title: {text: 'b'}}, zaxis: {title: {text: 'loss'}}}});
      exportLinks($('surface-exports'), [['CSV', base + k + '?format=csv'], ['JSON', base + k + '?format=json'],
        ['VTK', base + k + '?format=vtk']]);
    } else {
      draw('chart-contour', [], {titleText: 'no random-plane surface in this snapshot'});
      draw('chart-surface3d', [], {titleText: ''});
      exportLinks($('surface-exports'), []);
    }
    await pause();
    const p = surfaceIndex(snap, 'pca');
    if (p >= 0) {
      const s = snap.surfaces[p];
      const path = s.path || [];
      draw('chart-pca', [contourTrace(s),
        {type: 'scatter', mode: 'lines+markers', name: 'trajectory', x: path.map((q) => q[0]),
          y: path.map((q) => q[1]), text: (s.pathIterations || []).map((it) => 'iteration ' + it),
          line: {color: 'white', width: 2}, marker: {color: 'red', size: 6}}],
      Object.assign({titleText: 'PCA plane of the trajectory, iteration ' + snap.iteration}, axisLabels(s)));
      exportLinks($('pca-exports'), [['CSV', base + p + '?format=csv'], ['JSON', base + p + '?format=json'],
        ['VTK', base + p + '?format=vtk']]);
    } else {
      draw('chart-pca', [], {titleText: 'PCA plane', emptyText: 'no PCA surface in this snapshot'});
      exportLinks($('pca-exports'), []);
    }
  }

  function drawSlices(run, snap) {
    const traces = [];
    const links = [];
    snap.slices.forEach((s, k) => {
      traces.push({type: 'scatter', mode: 'lines+markers', name: s.kind + ': ' + s.label + ' (train)',
        x: s.alphas, y: s.trainLoss});
      if (s.valLoss && s.valLoss.length) {
        traces.push({type: 'scatter', mode: 'lines', name: s.kind + ': ' + s.label + ' (validation)',
          x: s.alphas, y: s.valLoss, line: {dash: 'dot'}});
      }
      const u = snapUrl(run, snap.index) + '/slices/' + k;
      links.push(['CSV ' + (k + 1), u + '?format=csv'], ['JSON ' + (k + 1), u + '?format=json']);
    });
    draw('chart-slices', traces, {titleText: '1D slices, iteration ' + snap.iteration,
      xaxis: {title: {text: 'α'}}, yaxis: {title: {text: 'loss'}, type: 'log', dtick: 'D2'}, emptyText: 'no slices'});
    exportLinks($('slice-exports'), links);
  }

  const LANDSCAPE_CHARTS = ['chart-contour', 'chart-surface3d', 'chart-pca', 'chart-slices'];

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

  const snapUrl = (run, index) => runUrl(run) + '/snapshots/' + index;

  // ---------- series over iterations ----------
  const line = (name, x, y, extra) => Object.assign({type: 'scatter', mode: 'lines', name, x, y}, extra || {});

  async function drawSeries(run, s, m) {
    const it = s.iteration;
    const mi = m.iteration;
    const mm = m.measures;
    const dots = (name, key) => mm[key] ? [line(name, mi, mm[key], {mode: 'markers+lines'})] : [];
    draw('chart-score', [line('score', it, s.score)].concat(dots('train probe loss', 'train_loss'),
        dots('validation probe loss', 'val_loss')),
    {titleText: 'score'});
    const perTensor = Object.keys(s.gradientNormByTensor).sort().map((k) =>
      line(k, it, s.gradientNormByTensor[k], {connectgaps: true, line: {width: 1}}));
    await pause();
    draw('chart-gradnorm', [line('global', it, s.gradientNorm, {line: {width: 2, color: '#222'}})].concat(perTensor),
        {titleText: 'gradient norm', yaxis: {type: 'log', dtick: 'D2'}});
    await pause();
    draw('chart-norms', [line('weight norm', it, s.weightNorm),
      line('update norm', it, s.updateNorm, {yaxis: 'y2'})],
    {titleText: 'weight and update norms',
      yaxis: {title: {text: 'weights'}}, yaxis2: {title: {text: 'update'}, overlaying: 'y', side: 'right',
        type: 'log'}});
    await pause();
    draw('chart-sharpness', [].concat(dots('random mean', 'sharpness_random_mean'),
        dots('random max', 'sharpness_random_max'), dots('ε-sharpness', 'sharpness_eps'),
        dots('adaptive', 'sharpness_adaptive')),
    {titleText: 'sharpness'});
    await pause();
    draw('chart-hessian', [].concat(dots('top eigenvalue', 'hessian_top'),
        (mm.hessian_trace ? [line('trace', mi, mm.hessian_trace, {mode: 'markers+lines', yaxis: 'y2'})] : [])),
    {titleText: 'Hessian', yaxis: {title: {text: 'λ_max'}},
      yaxis2: {title: {text: 'trace'}, overlaying: 'y', side: 'right'}});
    await pause();
    draw('chart-gap', [].concat(dots('loss gap (val − train)', 'gap'),
        dots('accuracy gap (train − val)', 'accuracy_gap')),
    {titleText: 'generalization gap',
      emptyText: 'not measured yet (needs a validation probe)'});
    document.querySelectorAll('.exports[data-series]').forEach((el) => {
      const u = runUrl(run) + '/' + el.dataset.series;
      exportLinks(el, [['CSV', u + '?format=csv'], ['JSON', u + '?format=json']]);
    });
  }

  // ---------- metadata ----------
  async function drawMetadata(run) {
    const d = await getJson(runUrl(run));
    const count = d.snapshots;
    const probe = count > 0 ? (await snapshot(run, count - 1)).probe : null;
    const rows = [
      ['run id', d.runId], ['name', d.name], ['tags', d.tags.join(', ')], ['store', d.store],
      ['model', d.modelClass + ', ' + d.numParams.toLocaleString('en') + ' parameters'],
      ['tensors', d.tensors.map((t) => t.name + ' [' + t.shape.join('×') + ']').join(', ')],
      ['seed', String(d.seed)], ['started', d.startTime],
      ['options', Object.entries(d.listenerConfig).sort().map(([k, v]) => k + '=' + v).join('  ')],
      ['probe', probe ? Object.entries(probe).map(([k, v]) => k + '=' + v).join('  ') : '(no snapshot yet)'],
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
  }

  // ---------- comparison ----------
  async function refreshCompare(force) {
    const a = state.run;
    const b = state.compare;
    $('compare-section').hidden = !b;
    if (!b || !a) return;
    const sa = summary(a);
    const sb = summary(b);
    if (!sa || !sb) return;
    const key = [a, sa.snapshots, sa.scalarRecords, b, sb.snapshots, sb.scalarRecords].join('|');
    if (!force && state.compareKey === key) return;
    state.compareKey = key;
    $('compare-title').textContent = a + ' vs ' + b;
    const load = async (run, s) => ({
      scalars: await getJson(runUrl(run) + '/scalars'),
      measures: await getJson(runUrl(run) + '/measures'),
      snap: s.snapshots > 0 ? await snapshot(run, s.snapshots - 1) : null,
    });
    const [da, db] = await Promise.all([load(a, sa), load(b, sb)]);
    for (const [id, run, d] of [['a', a, da], ['b', b, db]]) {
      const k = d.snap ? surfaceIndex(d.snap, 'random') : -1;
      if (k >= 0) {
        const s = d.snap.surfaces[k];
        draw('chart-compare-' + id, [contourTrace(s)],
            Object.assign({titleText: run + ', iteration ' + d.snap.iteration}, axisLabels(s)));
      } else {
        draw('chart-compare-' + id, [], {titleText: run, emptyText: 'no snapshots yet'});
      }
      $('compare-' + id + '-caption').textContent = 'Newest surface of ' + run + ' (log10 train loss).';
    }
    draw('chart-compare-score', [line(a, da.scalars.iteration, da.scalars.score),
      line(b, db.scalars.iteration, db.scalars.score)], {titleText: 'score'});
    const m = (run, d, key, label, extra) => d.measures.measures[key]
      ? [line(run + ' ' + label, d.measures.iteration, d.measures.measures[key],
        Object.assign({mode: 'markers+lines'}, extra))] : [];
    draw('chart-compare-measures', [].concat(m(a, da, 'gap', 'gap'), m(b, db, 'gap', 'gap'),
        m(a, da, 'sharpness_random_mean', 'sharpness', {yaxis: 'y2'}),
        m(b, db, 'sharpness_random_mean', 'sharpness', {yaxis: 'y2'})),
    {titleText: 'gap and sharpness', yaxis: {title: {text: 'gap'}},
      yaxis2: {title: {text: 'sharpness'}, overlaying: 'y', side: 'right'}});
  }

  // ---------- controls ----------
  $('run').addEventListener('change', async (e) => {
    state.run = e.target.value;
    state.follow = true;
    state.shown = -1;
    stopPlaying();
    await refreshRun(state.run, true);
    await refreshCompare(true);
  });
  $('compare').addEventListener('change', async (e) => {
    state.compare = e.target.value;
    await refreshCompare(true);
  });
  $('slider').addEventListener('input', async (e) => {
    const i = Number(e.target.value);
    state.follow = i >= Number(e.target.max);
    await showSnapshot(state.run, i);
  });

  function stopPlaying() {
    state.playing = false;
    $('play').textContent = '▶ Play';
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
    }
    setTimeout(loop, POLL_MS);
  }
  clearLandscape();
  loop();
})();
