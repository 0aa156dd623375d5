// The status line: what the selected run is doing, from its progress record (written by the listener when a
// snapshot starts and ends and when the run ends) and its newest scalars; or that the server cannot be reached.
const plural = (n, word) => n + ' ' + word + (n === 1 ? '' : 's');
const secs = (ms) => ms < 60000 ? Math.round(ms / 1000) + ' s' : Math.floor(ms / 60000) + ' min '
    + Math.round((ms % 60000) / 1000) + ' s';

/** Iteration and iterations per second over the newest rows of a scalar series. */
export function rate(scalars) {
  const it = scalars && scalars.iteration;
  if (!it || it.length === 0) return null;
  const n = it.length - 1;
  const k = Math.max(0, n - 20);
  const dt = (scalars.wallMillis[n] - scalars.wallMillis[k]) / 1000;
  return {iteration: it[n], perSecond: dt > 0 ? (it[n] - it[k]) / dt : null};
}

/**
 * {state, text} for a run summary from /runs: {@code snapshot} (computing one: which, since when), {@code finished},
 * or {@code training} (iteration and rate).
 */
export function runStatus(s, scalars, options) {
  const p = s.progress;
  const snaps = plural(s.snapshots, 'snapshot') + (p && p.note ? ' · ' + p.note : '');
  if (s.source) { // examples/landscape.sh: a snapshot computed offline from a stored checkpoint, no training
    const o = offlineSource(s.source);
    return {state: 'offline', text: 'offline snapshot of run ' + o.run + ' (its ' + o.checkpoint + ' checkpoint'
        + (o.store ? ', from ' + o.store : '') + ') · computed ' + new Date(s.startTime).toLocaleString() + ' · '
        + snaps};
  }
  if (p && p.state === 'snapshot') {
    const elapsed = Math.max(0, s.serverEpochMillis - p.sinceEpochMillis);
    return {state: 'snapshot', text: 'computing snapshot ' + (p.snapshot + 1) + ' (taken at iteration '
        + p.iteration + ') · ' + secs(elapsed) + ' so far · training waits for it · ' + snaps};
  }
  if (p && p.state === 'finished') {
    return {state: 'finished', text: 'finished at ' + new Date(p.sinceEpochMillis).toLocaleString() + ' · iteration '
        + p.iteration + ' · ' + snaps};
  }
  const r = rate(scalars);
  if (!r) {
    return {state: 'training', text: 'started · no scalars committed yet · ' + snaps};
  }
  return {state: 'training', text: 'training · iteration ' + r.iteration
      + (r.perSecond ? ' · ' + r.perSecond.toFixed(r.perSecond < 10 ? 1 : 0) + ' it/s' : '') + ' · ' + snaps
      + nextSnapshot(r, options)};
}

/** When the schedule knows it (snapshot=every:N): the next snapshot's iteration and about when it starts. */
function nextSnapshot(r, options) {
  const m = /^every:(\d+)$/.exec(options && options.snapshot || '');
  if (!m) return '';
  const every = Number(m[1]);
  const next = (Math.floor(r.iteration / every) + 1) * every;
  const eta = r.perSecond ? ' in about ' + secs(1000 * (next - r.iteration) / r.perSecond) : '';
  return ' · next snapshot at iteration ' + next + eta;
}

export function disconnected(since, message) {
  return {state: 'disconnected', text: 'server not reachable since ' + new Date(since).toLocaleTimeString()
      + ' (' + message + ') · retrying every second'};
}

/** An offline run's source, "STORE#RUN@CHECKPOINT" (or a model file), in parts. */
export function offlineSource(source) {
  const m = /^(.*)#([^#@]+)@([^@]*)$/.exec(source || '');
  return m ? {store: m[1].split(/[\\/]/).pop(), run: m[2], checkpoint: m[3] || 'final'}
    : {store: '', run: source || '?', checkpoint: 'final'};
}
