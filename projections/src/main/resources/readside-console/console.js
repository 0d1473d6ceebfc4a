// Readside operators' console. Plain DOM, no framework: the page is static and everything it
// shows comes from the worker's /admin routes, called with the bearer token the operator typed in.
// The token lives in this tab's sessionStorage only and travels in the Authorization header, never
// in a URL or a cookie (so no other site can make the browser call these routes for the operator).
// Text from the server always goes in with textContent, never as HTML.
'use strict';

(() => {
  const TOKEN_KEY = 'readside.adminToken';
  const REFRESH_MS = 2000;
  const HISTORY_MS = 10 * 60 * 1000; // the lag sparkline's window
  const DONE_SHOWN_MS = 10 * 60 * 1000; // how long a finished rebuild says "done"

  const state = {
    timer: null,
    refreshing: false,
    status: null,
    history: new Map(), // "projection/slice" -> [{t, lag}]
    rebuilds: new Map(), // "projection/slice" -> {doneAt: ms or null}
  };

  const $ = (selector) => document.querySelector(selector);

  class Unauthorized extends Error {}

  /** One call to the admin API; the reply's JSON, or an Error carrying the JSON error's message. */
  async function api(method, path, body, token) {
    const headers = { Authorization: 'Bearer ' + (token ?? sessionStorage.getItem(TOKEN_KEY) ?? '') };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (e) {
      throw new Error('the worker did not answer (' + e.message + ')');
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (e) {
      json = null;
    }
    if (response.status === 401) throw new Unauthorized((json && json.message) || 'unauthorized');
    if (!response.ok) {
      const detail = json && json.error ? json.error + ': ' + json.message : text;
      throw new Error(response.status + ' ' + detail);
    }
    return json;
  }

  /** el('td', {class: 'x', dataset: {...}}, child, 'text', ...) */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'dataset') Object.assign(node.dataset, value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) {
      if (child === undefined || child === null) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  const key = (projection, slice) => projection + '/' + slice;

  function time(iso) {
    return iso ? new Date(iso).toLocaleTimeString() : '';
  }

  function seconds(s) {
    if (s === null || s === undefined) return '–';
    if (s < 60) return s.toFixed(s < 10 ? 1 : 0) + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s';
    return Math.floor(s / 3600) + ' h ' + Math.round((s % 3600) / 60) + ' min';
  }

  function say(text, isError) {
    const message = $('#message');
    message.textContent = text;
    message.className = isError ? 'error' : 'ok';
  }

  // ---- sign in / out ----

  async function signIn(event) {
    event.preventDefault();
    const token = $('#token').value.trim();
    $('#login-error').textContent = '';
    if (!token) {
      $('#login-error').textContent = 'Enter the admin token.';
      return;
    }
    try {
      await api('GET', '/admin/projections', undefined, token);
    } catch (e) {
      $('#login-error').textContent =
        e instanceof Unauthorized
          ? 'Wrong token: the worker refused it (401 ' + e.message + '). Use the value of ADMIN_TOKEN the worker was started with.'
          : 'Could not check the token: ' + e.message;
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    $('#token').value = '';
    showConsole();
  }

  function signOut(reason) {
    sessionStorage.removeItem(TOKEN_KEY);
    clearInterval(state.timer);
    state.timer = null;
    $('#console').hidden = true;
    $('#sign-out').hidden = true;
    $('#login').hidden = false;
    $('#login-error').textContent = reason || '';
    $('#source').textContent = '';
    $('#refreshed').textContent = '';
  }

  function showConsole() {
    $('#login').hidden = true;
    $('#console').hidden = false;
    $('#sign-out').hidden = false;
    refresh();
    clearInterval(state.timer);
    state.timer = setInterval(refresh, REFRESH_MS);
  }

  // ---- refresh ----

  async function refresh() {
    if (state.refreshing) return;
    state.refreshing = true;
    try {
      const [status, deadLetters, audit] = await Promise.all([
        api('GET', '/admin/projections'),
        api('GET', '/admin/dead-letters?status=parked&limit=100'),
        api('GET', '/admin/audit?limit=25'),
      ]);
      state.status = status;
      record(status);
      renderStatus(status);
      renderDeadLetters(deadLetters.items);
      renderAudit(audit.items);
      $('#refreshed').textContent = 'refreshed ' + new Date().toLocaleTimeString();
      $('#refreshed').className = '';
    } catch (e) {
      if (e instanceof Unauthorized) {
        signOut('The worker no longer accepts this token (401 ' + e.message + '); sign in again.');
      } else {
        $('#refreshed').textContent = 'refresh failed: ' + e.message;
        $('#refreshed').className = 'error';
      }
    } finally {
      state.refreshing = false;
    }
  }

  /** Lag history for the sparklines, and which rebuilds have finished since we saw them run. */
  function record(status) {
    const now = Date.now();
    for (const p of status.projections) {
      for (const s of p.slices) {
        const k = key(p.projection, s.slice);
        const samples = state.history.get(k) || [];
        samples.push({ t: now, lag: s.lagEvents });
        while (samples.length && samples[0].t < now - HISTORY_MS) samples.shift();
        state.history.set(k, samples);
        const tracked = state.rebuilds.get(k);
        if (s.rebuild) state.rebuilds.set(k, { doneAt: null });
        else if (tracked && tracked.doneAt === null) tracked.doneAt = now;
        else if (tracked && now - tracked.doneAt > DONE_SHOWN_MS) state.rebuilds.delete(k);
      }
    }
  }

  function renderStatus(status) {
    $('#source').textContent = 'source: ' + status.source;
    $('#horizon').textContent =
      status.source === 'horizon' && status.horizon ? 'Horizon: ' + (status.horizon.description || '') : '';
    const container = $('#projections');
    container.replaceChildren(...status.projections.map(renderProjection));
    const verifyProjection = $('#verify-projection');
    if (verifyProjection.options.length !== status.projections.length) {
      verifyProjection.replaceChildren(...status.projections.map((p) => el('option', { value: p.projection }, p.projection)));
      const slices = status.projections.length ? status.projections[0].slices : [];
      $('#verify-slice').replaceChildren(
        el('option', { value: '' }, 'all slices'),
        ...slices.map((s) => el('option', { value: s.slice }, 'slice ' + s.slice)));
    }
  }

  function renderProjection(p) {
    const all = { projection: p.projection };
    const actions = el('div', { class: 'actions' },
      button('Pause all', 'pause', all),
      button('Resume all', 'resume', all),
      button('Rebuild all', 'rebuild', all),
      button('Rebuild without downtime…', 'shadow-rebuild', all),
      p.replaySafe ? button('Rewind all…', 'rewind', all) : null);
    const rows = p.slices.map((s) => renderSlice(p, s));
    return el('section', { class: 'projection', dataset: { projection: p.projection } },
      el('h3', {}, p.projection, ' ', el('span', { class: 'badge' }, p.replaySafe ? 'replay-safe' : 'additive: rebuild only')),
      actions,
      shadowRebuildLine(p.shadowRebuild),
      el('table', { class: 'slices' },
        el('thead', {}, el('tr', {}, ...['slice', 'offset', 'head', 'lag (events)', 'lag (s)', 'lag, last minutes', 'node',
          'state', 'last error', 'rebuild', ''].map((h) => el('th', {}, h)))),
        el('tbody', {}, ...rows)));
  }

  function renderSlice(p, s) {
    const target = { projection: p.projection, slice: String(s.slice) };
    const offset = s.horizonOffset ?? (s.offset === null || s.offset === undefined ? '–' : s.offset);
    return el('tr', { class: 'slice' + (s.paused ? ' paused' : ''), dataset: { projection: p.projection, slice: s.slice } },
      el('td', { class: 'slice-number' }, s.slice),
      el('td', { class: 'offset num' }, offset),
      el('td', { class: 'head num' }, s.journalHead),
      el('td', { class: 'lag-events num' }, s.lagEvents),
      el('td', { class: 'lag-seconds num' }, seconds(s.lagSeconds)),
      el('td', { class: 'sparkline' }, sparkline(state.history.get(key(p.projection, s.slice)) || [])),
      el('td', { class: 'node' }, s.running ? s.node : el('span', { class: 'warn' }, 'not running')),
      el('td', { class: 'state' }, s.paused ? el('span', { class: 'badge paused' }, 'paused') : 'running'),
      el('td', { class: 'last-error' }, s.lastError ? el('span', { class: 'error', title: s.lastError }, time(s.lastErrorAt) + ' ' + s.lastError) : ''),
      el('td', { class: 'rebuild' }, rebuildCell(p.projection, s)),
      el('td', { class: 'actions' },
        s.paused ? button('Resume', 'resume', target) : button('Pause', 'pause', target),
        button('Rebuild', 'rebuild', target),
        p.replaySafe ? button('Rewind…', 'rewind', target) : null));
  }

  function rebuildCell(projection, s) {
    const r = s.rebuild;
    if (r) {
      const percent = r.eventsToReplay > 0 ? Math.floor((100 * r.eventsReplayed) / r.eventsToReplay) : 0;
      const eta = r.etaSeconds === null || r.etaSeconds === undefined ? (s.paused ? 'waits for resume' : 'ETA –') : 'ETA ' + seconds(r.etaSeconds);
      return el('span', { class: 'rebuilding' },
        el('progress', { max: Math.max(1, r.eventsToReplay), value: r.eventsReplayed }),
        ' ' + r.eventsReplayed + ' / ' + r.eventsToReplay + ' (' + percent + '%), ' + eta);
    }
    const tracked = state.rebuilds.get(key(projection, s.slice));
    if (tracked && tracked.doneAt !== null) {
      return el('span', { class: 'rebuild-done' }, 'done ' + new Date(tracked.doneAt).toLocaleTimeString());
    }
    return '';
  }

  /** The projection's last zero-downtime rebuild: progress while it builds, its result after. */
  function shadowRebuildLine(r) {
    if (!r) return null;
    const head = 'Rebuild without downtime: ';
    let text;
    let cls = 'shadow-rebuild';
    switch (r.state) {
      case 'building': {
        const percent = r.eventsToReplay > 0 ? Math.floor((100 * r.eventsReplayed) / r.eventsToReplay) : 0;
        const rate = r.eventsPerSecond === null || r.eventsPerSecond === undefined ? '' : ', ' + Math.round(r.eventsPerSecond) + ' events/s';
        const eta = r.etaSeconds === null || r.etaSeconds === undefined ? ', ETA –' : ', ETA ' + seconds(r.etaSeconds);
        text = 'building into the shadow tables ' + r.eventsReplayed + ' / ' + r.eventsToReplay + ' (' + percent + '%)' + rate + eta
          + (r.stalled ? ' – stalled: no progress recorded lately (' + (r.node || 'its node') + ' may have died)' : '');
        if (r.stalled) cls += ' warn';
        return el('p', { class: cls, dataset: { state: r.state } }, head + text, ' ',
          el('progress', { max: Math.max(1, r.eventsToReplay), value: r.eventsReplayed }));
      }
      case 'swapping':
        text = 'swapping the rebuilt rows in (the projection\'s slices are paused for this moment)';
        break;
      case 'done':
        text = 'done ' + time(r.finishedAt) + ': ' + r.eventsReplayed + ' events replayed, ' + r.rowsSwapped + ' rows swapped in '
          + r.swapMillis + ' ms, slices paused ' + r.pausedMillis + ' ms';
        break;
      case 'failed':
        text = 'failed ' + time(r.finishedAt || r.updatedAt) + ': ' + (r.error || 'no reason recorded') + ' (the live tables were not changed)';
        cls += ' error';
        break;
      default:
        text = r.state;
    }
    return el('p', { class: cls, dataset: { state: r.state } }, head + text);
  }

  function sparkline(samples) {
    const width = 120;
    const height = 22;
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('width', width);
    svg.setAttribute('height', height);
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    if (samples.length < 2) return svg;
    const max = Math.max(1, ...samples.map((x) => x.lag));
    const t0 = samples[0].t;
    const span = Math.max(1, samples[samples.length - 1].t - t0);
    const points = samples.map((x) =>
      ((width - 2) * (x.t - t0) / span + 1).toFixed(1) + ',' + (height - 2 - ((height - 4) * x.lag) / max).toFixed(1));
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    line.setAttribute('points', points.join(' '));
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', 'currentColor');
    line.setAttribute('stroke-width', '1.5');
    svg.append(line);
    const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    title.textContent = 'lag over the last ' + Math.round(span / 1000) + ' s, up to ' + max + ' events';
    svg.append(title);
    return svg;
  }

  function button(label, action, data) {
    return el('button', { type: 'button', class: 'action', dataset: { action, ...data } }, label);
  }

  // ---- projection actions ----

  const where = (d) => d.projection + (d.slice === undefined ? ' (all slices)' : ' slice ' + d.slice);
  const sliceQuery = (d) => (d.slice === undefined ? '' : '?slice=' + encodeURIComponent(d.slice));

  async function onProjectionAction(event) {
    const target = event.target.closest('button[data-action]');
    if (!target) return;
    const d = { ...target.dataset };
    switch (d.action) {
      case 'pause':
      case 'resume':
        return act(d.action, d);
      case 'rebuild':
        if (await confirmDialog('Rebuild ' + where(d) + '?',
          'Deletes the rows and parked dead letters of ' + where(d) + ', resets its offset and replays the journal.'
            + ' Other slices and projections keep serving.', 'Rebuild')) {
          return act('rebuild', d);
        }
        return undefined;
      case 'shadow-rebuild':
        if (await confirmDialog('Rebuild ' + d.projection + ' without downtime?',
          'Replays the whole journal into shadow copies of ' + d.projection + '\'s tables while the live tables keep serving and'
            + ' stay current; at the end every slice pauses for a moment while the rebuilt rows replace the live ones.', 'Rebuild')) {
          return startShadowRebuild(d);
        }
        return undefined;
      case 'rewind':
        return openRewind(d);
      default:
        return undefined;
    }
  }

  async function act(action, d) {
    say(action + ' ' + where(d) + ' …');
    try {
      const result = await api('POST', '/admin/projections/' + encodeURIComponent(d.projection) + '/' + action + sliceQuery(d));
      if (action === 'rebuild') {
        for (const s of result.slices) {
          if (s.outcome === 'done') state.rebuilds.set(key(d.projection, s.slice), { doneAt: null });
        }
      }
      say(action + ' ' + where(d) + ': ' + outcome(result), result.outcome === 'failed' || result.outcome === 'partial');
    } catch (e) {
      failed(action + ' ' + where(d), e);
    }
    refresh();
  }

  async function startShadowRebuild(d) {
    say('rebuild ' + d.projection + ' without downtime …');
    try {
      const report = await api('POST', '/admin/projections/' + encodeURIComponent(d.projection) + '/rebuild?shadow=true');
      say('rebuild ' + d.projection + ' without downtime: ' + report.state + '; progress is shown under the projection');
    } catch (e) {
      failed('rebuild ' + d.projection + ' without downtime', e);
    }
    refresh();
  }

  function outcome(result) {
    const notes = result.slices.filter((s) => s.note).map((s) => 'slice ' + s.slice + ': ' + s.note);
    return result.outcome + (notes.length ? ' (' + notes.join('; ') + ')' : '');
  }

  function failed(what, e) {
    if (e instanceof Unauthorized) signOut('The worker no longer accepts this token (401 ' + e.message + '); sign in again.');
    else say(what + ' failed: ' + e.message, true);
  }

  // ---- confirm dialog ----

  function confirmDialog(title, body, okLabel) {
    const dialog = $('#confirm');
    $('#confirm-title').textContent = title;
    $('#confirm-body').textContent = body;
    $('#confirm-ok').textContent = okLabel;
    return new Promise((resolve) => {
      const done = (answer) => () => {
        $('#confirm-ok').onclick = null;
        $('#confirm-cancel').onclick = null;
        dialog.onclose = null;
        if (dialog.open) dialog.close();
        resolve(answer);
      };
      $('#confirm-ok').onclick = done(true);
      $('#confirm-cancel').onclick = done(false);
      dialog.onclose = done(false);
      dialog.showModal();
    });
  }

  // ---- rewind: dry run first, then confirm ----

  let rewinding = null;

  function openRewind(d) {
    rewinding = d;
    $('#rewind-title').textContent = 'Rewind ' + where(d);
    $('#rewind-plan').textContent = '';
    $('#rewind-confirm').disabled = true;
    $('#rewind').showModal();
  }

  function rewindBody(dryRun) {
    const kind = document.querySelector('input[name="rewind-kind"]:checked').value;
    const raw = $('#rewind-target').value.trim();
    if (kind === 'toOffset') {
      if (!/^[0-9]{1,16}$/.test(raw)) throw new Error('the offset must be a whole number');
      return { toOffset: Number(raw), dryRun };
    }
    return { toTimestamp: raw, dryRun };
  }

  async function rewind(dryRun) {
    const d = rewinding;
    let body;
    try {
      body = rewindBody(dryRun);
    } catch (e) {
      $('#rewind-plan').textContent = e.message;
      return;
    }
    try {
      const result = await api('POST', '/admin/projections/' + encodeURIComponent(d.projection) + '/rewind' + sliceQuery(d), body);
      const lines = result.slices.map((s) => 'slice ' + s.slice + ': offset ' + s.offsetBefore + ' → ' + s.offsetAfter
        + ', ' + s.eventsToReplay + ' events to replay' + (s.note ? ' (' + s.note + ')' : ''));
      if (dryRun) {
        $('#rewind-plan').textContent = 'Dry run:\n' + lines.join('\n');
        $('#rewind-confirm').disabled = false;
      } else {
        $('#rewind').close();
        say('rewind ' + where(d) + ': ' + outcome(result), result.outcome === 'failed' || result.outcome === 'partial');
        refresh();
      }
    } catch (e) {
      if (e instanceof Unauthorized) {
        $('#rewind').close();
        failed('rewind', e);
      } else {
        $('#rewind-plan').textContent = 'Refused: ' + e.message;
        $('#rewind-confirm').disabled = true;
      }
    }
  }

  // ---- dead letters ----

  function renderDeadLetters(items) {
    $('#dead-letter-count').textContent = items.length ? '(' + items.length + ' parked)' : '(none parked)';
    $('#dead-letters tbody').replaceChildren(...items.map((d) =>
      el('tr', { class: 'dead-letter', dataset: { id: d.id } },
        el('td', {}, d.id),
        el('td', {}, d.projection),
        el('td', {}, d.slice),
        el('td', {}, d.persistenceId.replace(/^ShoppingCart\|/, '')),
        el('td', {}, d.seqNr),
        el('td', { title: JSON.stringify(d.event) }, d.eventType),
        el('td', { class: 'error' }, d.error),
        el('td', {}, d.attempts),
        el('td', {}, d.blockedBy ?? ''),
        el('td', {}, time(d.lastFailureAt)),
        el('td', {},
          d.blockedBy ? '' : el('button', { type: 'button', class: 'action', dataset: { deadLetter: d.id, action: 'retry' } }, 'Retry'),
          el('button', { type: 'button', class: 'action', dataset: { deadLetter: d.id, action: 'discard' } }, 'Discard')))));
  }

  async function onDeadLetterAction(event) {
    const target = event.target.closest('button[data-dead-letter]');
    if (!target) return;
    const { deadLetter, action } = target.dataset;
    if (action === 'discard' && !(await confirmDialog('Discard dead letter ' + deadLetter + '?',
      'The event is given up for good: a rebuild or rewind that replays it skips it.', 'Discard'))) {
      return;
    }
    try {
      const result = await api('POST', '/admin/dead-letters/' + encodeURIComponent(deadLetter) + '/' + action);
      say(action === 'retry'
        ? 'retried dead letter ' + deadLetter + ': applied ' + result.applied.length + ' event(s)'
        : 'discarded dead letter ' + deadLetter);
    } catch (e) {
      failed(action + ' dead letter ' + deadLetter, e);
    }
    refresh();
  }

  // ---- audit trail, completeness, verify ----

  function renderAudit(items) {
    $('#audit tbody').replaceChildren(...items.map((a) =>
      el('tr', {},
        el('td', {}, new Date(a.at).toLocaleString()),
        el('td', {}, a.action),
        el('td', {}, a.projection ?? ''),
        el('td', { class: 'mono' }, a.arguments ? JSON.stringify(a.arguments) : ''),
        el('td', {}, a.outcome),
        el('td', { class: 'mono' }, a.tokenId))));
  }

  async function runCompleteness() {
    $('#check-result').textContent = 'running the completeness audit …';
    try {
      const report = await api('GET', '/admin/audit/completeness');
      const verdict = report.skippedCarts === 0
        ? 'Complete: ' + report.cartsChecked + ' carts checked, nothing skipped.'
        : report.skippedCarts + ' cart(s) with skipped events. Repair: '
          + report.repairs.map((r) => 'readside admin rebuild ' + r.projection + ' --slice ' + r.slice).join('; ');
      $('#check-result').textContent = verdict + '\n\n' + JSON.stringify(report, null, 2);
    } catch (e) {
      $('#check-result').textContent = '';
      failed('completeness audit', e);
    }
  }

  async function runVerify() {
    const projection = $('#verify-projection').value;
    const slice = $('#verify-slice').value;
    $('#check-result').textContent = 'verifying ' + projection + ' …';
    try {
      const report = await api('GET', '/admin/projections/' + encodeURIComponent(projection) + '/verify'
        + (slice === '' ? '' : '?slice=' + encodeURIComponent(slice)));
      const verdict = report.equal
        ? 'Equal: ' + projection + ' matches a replay of ' + report.eventsReplayed + ' events (' + report.millis + ' ms).'
        : report.differenceCount + ' difference(s) in ' + projection + '; rebuild the slices concerned.';
      $('#check-result').textContent = verdict + '\n\n' + JSON.stringify(report, null, 2);
    } catch (e) {
      $('#check-result').textContent = '';
      failed('verify', e);
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('#login-form').addEventListener('submit', signIn);
    $('#sign-out').addEventListener('click', () => signOut(''));
    $('#projections').addEventListener('click', onProjectionAction);
    $('#dead-letters').addEventListener('click', onDeadLetterAction);
    $('#run-completeness').addEventListener('click', runCompleteness);
    $('#run-verify').addEventListener('click', runVerify);
    $('#rewind-cancel').addEventListener('click', () => $('#rewind').close());
    $('#rewind-dry-run').addEventListener('click', () => rewind(true));
    $('#rewind-confirm').addEventListener('click', () => rewind(false));
    // A new target needs a new dry run before it can be confirmed.
    const needsDryRun = () => { $('#rewind-confirm').disabled = true; };
    $('#rewind-target').addEventListener('input', needsDryRun);
    document.querySelectorAll('input[name="rewind-kind"]').forEach((r) => r.addEventListener('change', needsDryRun));
    if (sessionStorage.getItem(TOKEN_KEY)) showConsole();
  });
})();
