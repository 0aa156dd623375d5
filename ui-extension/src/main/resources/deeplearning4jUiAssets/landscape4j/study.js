// The Study view: one study's runs, a scatter of any measure against the gap (one point per run, coloured by a
// setting, error bars from the probes' standard errors) with τ, ρ and p printed on it, and the correlation table.
(function () {
  'use strict';
  const state = { studies: [], study: null, answer: null, store: '', polls: 0 };
  window.landscape4jStudy = state;
  const $ = (id) => document.getElementById(id);
  const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
    '#bcbd22', '#17becf'];

  function fmt(v, digits) {
    if (v === null || v === undefined || Number.isNaN(v)) return '–';
    return Number(v).toFixed(digits === undefined ? 3 : digits);
  }
  function fmtP(p) {
    if (p === null || p === undefined) return '–';
    return p < 0.001 ? '<0.001' : p.toFixed(3);
  }
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  async function get(url) {
    const r = await fetch(url, { cache: 'no-store' });
    const body = await r.json();
    if (!r.ok) throw new Error(body.message || r.status);
    return body;
  }
  function param(name) {
    return new URLSearchParams(window.location.search).get(name);
  }

  function descriptor(key) {
    return (state.study.measures || []).find((d) => d.key === key) || { key: key, label: key, errorKey: '' };
  }
  function correlation(measure, gap) {
    return (state.study.correlations || []).find((c) => c.measure === measure && c.gap === gap);
  }
  function varyingAxes() {
    return Object.entries(state.study.axes || {}).filter(([, v]) => v.length > 1).map(([k]) => k);
  }

  function fillSelect(select, options, keep) {
    const old = keep ? select.value : null;
    select.innerHTML = '';
    options.forEach(([value, label]) => {
      const o = el('option', label);
      o.value = value;
      select.appendChild(o);
    });
    if (old && options.some(([v]) => v === old)) select.value = old;
  }

  function drawSummary() {
    const s = state.study;
    $('title').textContent = s.name + ': ' + s.runs.length + ' of ' + s.planned + ' runs'
      + (s.correlations.length ? '' : ' (analysis after the last run)');
    $('description').textContent = s.description;
    $('options').textContent = 'Store ' + state.store + '. ' + Object.entries(s.options || {})
      .map(([k, v]) => k + ' ' + v).join(', ') + '.';
  }

  function drawControls() {
    const predictors = [...new Set((state.study.correlations || []).map((c) => c.measure))];
    const errorKeys = new Set((state.study.measures || []).map((d) => d.errorKey).filter(Boolean));
    const keys = predictors.length ? predictors : (state.study.measures || [])
      .filter((d) => !['gap', 'accuracy_gap', 'diverged'].includes(d.key) && !errorKeys.has(d.key))
      .map((d) => d.key);
    fillSelect($('measure'), keys.map((k) => [k, descriptor(k).label + ' (' + k + ')']), true);
    const wanted = param('measure');
    if (wanted && keys.includes(wanted) && !state.measureSet) {
      $('measure').value = wanted;
      state.measureSet = true;
    } else if (!state.measureSet && state.answer && state.answer.verdicts.length) {
      // open on the flatness measure the answer leads with, not on whatever comes first
      const lead = state.answer.verdicts.find((v) => v.gap === $('gap').value) || state.answer.verdicts[0];
      if (keys.includes(lead.measure)) $('measure').value = lead.measure;
    }
    const axes = varyingAxes();
    fillSelect($('colour'), (axes.length ? axes : Object.keys(state.study.axes || {})).map((a) => [a, a]), true);
  }

  function drawScatter() {
    const s = state.study;
    const measure = $('measure').value;
    const gap = $('gap').value;
    const colour = $('colour').value;
    const d = descriptor(measure);
    const gapSe = gap === 'gap' ? 'gap_se' : '';
    const groups = new Map();
    s.runs.forEach((r) => {
      const x = r.measures[measure];
      const y = r.measures[gap];
      if (x === null || x === undefined || y === null || y === undefined || r.measures.diverged === 1) return;
      const g = r.settings[colour] || '';
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(r);
    });
    const traces = [];
    [...groups.keys()].forEach((g, i) => {
      const runs = groups.get(g);
      const t = {
        type: 'scatter', mode: 'markers', name: colour + ' ' + g,
        x: runs.map((r) => r.measures[measure]), y: runs.map((r) => r.measures[gap]),
        text: runs.map((r) => r.key), hovertemplate: '%{text}<br>x %{x:.4g}<br>y %{y:.4g}<extra></extra>',
        marker: { size: 10, color: COLOURS[i % COLOURS.length] },
      };
      // ±2 standard errors, the Runs page's convention
      const twice = (key) => runs.map((r) => (r.measures[key] === null || r.measures[key] === undefined
        ? null : 2 * r.measures[key]));
      if (gapSe) t.error_y = { type: 'data', array: twice(gapSe), visible: true, thickness: 1 };
      if (d.errorKey) t.error_x = { type: 'data', array: twice(d.errorKey), visible: true, thickness: 1 };
      traces.push(t);
    });
    const c = correlation(measure, gap);
    const text = c ? 'τ = ' + fmt(c.tau, 2) + ' (p = ' + fmtP(c.tauP) + ') [' + fmt(c.tauLow, 2) + ', '
      + fmt(c.tauHigh, 2) + ']   ρ = ' + fmt(c.rho, 2) + ' (p = ' + fmtP(c.rhoP) + ')   n = ' + c.n
      + (c.granulatedTau !== null && c.granulatedTau !== undefined ? '   granulated τ = ' + fmt(c.granulatedTau, 2)
        : '') : 'correlations appear when the study has finished';
    $('chart-scatter').dataset.annotation = text;
    Plotly.react('chart-scatter', traces, {
      margin: { t: 40, r: 20, b: 50, l: 70 },
      xaxis: { title: { text: d.label + (d.unit ? ' [' + d.unit + ']' : '') } },
      yaxis: { title: { text: gap === 'gap' ? 'loss gap (val − train)' : 'accuracy gap (train − val)' } },
      annotations: [{ text: text, xref: 'paper', yref: 'paper', x: 0, y: 1.08, showarrow: false,
        xanchor: 'left', font: { size: 13 } }],
      legend: { orientation: 'h', y: -0.18 },
    }, { responsive: true, displaylogo: false });
  }

  function drawCorrelations() {
    const gap = $('gap').value;
    $('gap-name').textContent = gap === 'gap' ? 'loss gap' : 'accuracy gap';
    const table = $('correlations');
    table.innerHTML = '';
    const head = el('tr');
    ['measure', 'n', 'τ', 'p(τ)', 'Holm p(τ)', 'τ 95% CI', 'ρ', 'p(ρ)', 'ρ 95% CI', 'granulated τ',
      'scale-invariant', 'note'].forEach((h, i) => head.appendChild(el('th', h, i === 0 || i === 11 ? 'text' : '')));
    table.appendChild(head);
    const holm = new Map(((state.answer && state.answer.adjusted) || []).map((a) => [a.measure + '|' + a.gap,
      a.holmP]));
    // n = 0: a measure not computed for this study's model has no row
    (state.study.correlations || []).filter((c) => c.gap === gap && c.n > 0).forEach((c) => {
      const tr = el('tr');
      const adjusted = holm.get(c.measure + '|' + c.gap);
      if (adjusted !== undefined && adjusted < 0.05) tr.className = 'strong';
      if (c.measure === $('measure').value) tr.classList.add('selected');
      [descriptor(c.measure).label + ' (' + c.measure + ')', String(c.n), fmt(c.tau, 2), fmtP(c.tauP),
        fmtP(adjusted), '[' + fmt(c.tauLow, 2) + ', ' + fmt(c.tauHigh, 2) + ']', fmt(c.rho, 2), fmtP(c.rhoP),
        '[' + fmt(c.rhoLow, 2) + ', ' + fmt(c.rhoHigh, 2) + ']', fmt(c.granulatedTau, 2),
        c.scaleInvariant ? 'yes' : 'no', c.note]
        .forEach((v, i) => tr.appendChild(el('td', v, i === 0 || i === 11 ? 'text' : '')));
      tr.addEventListener('click', () => { $('measure').value = c.measure; drawAll(); });
      table.appendChild(tr);
    });
  }

  function drawRuns() {
    const s = state.study;
    const settings = Object.keys(s.axes || {});
    const table = $('runs');
    table.innerHTML = '';
    const head = el('tr');
    ['run'].concat(settings, ['epochs trained', 'stop', 'train loss', 'val loss', 'loss gap', 'accuracy gap', 'train s',
      'measures s']).forEach((h, i) => head.appendChild(el('th', h, i === 0 ? 'text' : '')));
    table.appendChild(head);
    s.runs.forEach((r) => {
      const tr = el('tr');
      const first = el('td', '', 'text');
      const a = el('a', r.key);
      a.href = '/landscape?run=' + encodeURIComponent(r.runId);
      first.appendChild(a);
      tr.appendChild(first);
      settings.forEach((k) => tr.appendChild(el('td', r.settings[k] || '')));
      [String(r.epochs), r.stopReason, fmt(r.measures.train_loss, 4), fmt(r.measures.val_loss, 4),
        fmt(r.measures.gap, 4), fmt(r.measures.accuracy_gap, 4), fmt(r.trainSeconds, 1), fmt(r.measureSeconds, 1)]
        .forEach((v, i) => tr.appendChild(el('td', v, i === 1 ? 'text' : '')));
      table.appendChild(tr);
    });
  }

  function drawAnswer() {
    const a = state.answer;
    const list = $('verdicts');
    list.innerHTML = '';
    $('warnings').innerHTML = '';
    if (!a || !state.study.correlations.length) {
      list.appendChild(el('li', 'The verdicts come when the study has finished (the analysis runs after its last run).'));
      $('correction').textContent = '';
      return;
    }
    a.verdicts.forEach((v) => {
      const li = el('li', '', v.significant ? 'verdict significant' : 'verdict');
      const name = el('a', v.label);
      name.href = '#';
      name.addEventListener('click', (e) => {
        e.preventDefault();
        $('measure').value = v.measure;
        $('gap').value = v.gap;
        drawAll();
      });
      li.appendChild(name);
      li.appendChild(document.createTextNode(' against the ' + (v.gap === 'gap' ? 'loss gap' : 'accuracy gap')
        + ': ' + v.finding + ' (τ = ' + fmt(v.tau, 2) + ', Holm p = ' + fmtP(v.holmP) + ', n = ' + v.n
        + (v.scaleInvariant ? '' : '; not scale-invariant') + ')'));
      list.appendChild(li);
    });
    if (!a.verdicts.length) list.appendChild(el('li', 'No sharpness or curvature measure has values in enough runs.'));
    $('correction').textContent = a.correction.charAt(0).toUpperCase() + a.correction.slice(1) + '.';
    a.warnings.forEach((w) => $('warnings').appendChild(el('p', 'Warning: ' + w + '.', 'warning')));
  }

  function drawAll() {
    drawAnswer();
    drawScatter();
    drawCorrelations();
  }

  async function loadStudy(name) {
    const body = await get('/landscape/api/studies/' + encodeURIComponent(name));
    const changed = !state.study || state.study.name !== body.study.name
      || state.study.updated !== body.study.updated;
    state.study = body.study;
    state.answer = body.answer;
    state.store = body.store;
    if (changed) {
      drawSummary();
      drawControls();
      drawRuns();
      drawAll();
    }
    document.body.dataset.runs = String(state.study.runs.length);
    document.body.dataset.correlations = String(state.study.correlations.length);
  }

  async function poll() {
    state.polls++;
    try {
      const list = await get('/landscape/api/studies');
      state.studies = list.studies;
      $('no-studies').hidden = list.studies.length > 0;
      fillSelect($('study'), list.studies.map((s) => [s.name, s.name + ' (' + s.runs + '/' + s.planned + ')']),
        true);
      const wanted = param('study');
      if (wanted && !state.studySet && list.studies.some((s) => s.name === wanted)) {
        $('study').value = wanted;
        state.studySet = true;
      }
      if ($('study').value) await loadStudy($('study').value);
      $('status').textContent = list.studies.length + ' stud' + (list.studies.length === 1 ? 'y' : 'ies')
        + ', updated ' + new Date().toLocaleTimeString();
    } catch (e) {
      $('status').textContent = 'error: ' + e.message;
    }
  }

  $('study').addEventListener('change', () => { state.study = null; poll(); });
  ['measure', 'gap', 'colour'].forEach((id) => $(id).addEventListener('change', drawAll));
  poll();
  setInterval(poll, 3000);
})();
