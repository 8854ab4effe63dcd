// The dashboard: plain DOM, no framework. Everything an agent sends (ids, host names, labels, mount and interface
// names) goes into the page as text (textContent), never as HTML. The admin key is posted once and forgotten; the
// session lives in an HttpOnly cookie, and its CSRF token only in this page's memory.
'use strict';

(() => {
  const MaxRows = 200;
  const state = {
    csrf: null,
    agents: new Map(),
    sort: { key: 'id', dir: 1 },
    filter: '',
    events: null,
    view: null,
    charts: [],
    chartAgent: null,
    renderQueued: false,
  };
  const $ = (id) => document.getElementById(id);

  // --- API ---------------------------------------------------------------------------------------------------

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
    if (response.status === 401) {
      showSignIn('Your session has ended: sign in again.');
      throw new Error('signed out');
    }
    return response;
  }

  async function problemText(response) {
    try {
      const problem = await response.json();
      return problem.detail || problem.title || `HTTP ${response.status}`;
    } catch {
      return `HTTP ${response.status}`;
    }
  }

  // --- Session -----------------------------------------------------------------------------------------------

  async function start() {
    const response = await fetch('/api/v1/session', { credentials: 'same-origin', cache: 'no-store' });
    if (response.ok) {
      signedIn(await response.json());
    } else {
      showSignIn('');
    }
  }

  function show(section) {
    for (const id of ['sign-in', 'fleet', 'alerts', 'commands', 'agent']) $(id).hidden = id !== section;
    state.view = section;
  }

  function showSignIn(message) {
    state.csrf = null;
    if (state.events) {
      state.events.close();
      state.events = null;
    }
    $('nav').hidden = true;
    $('sign-in-error').textContent = message;
    show('sign-in');
    $('key').focus();
  }

  async function signIn(event) {
    event.preventDefault();
    const key = $('key').value;
    $('key').value = '';
    const response = await fetch('/api/v1/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ key }),
      credentials: 'same-origin',
    });
    if (!response.ok) {
      $('sign-in-error').textContent = await problemText(response);
      return;
    }
    signedIn(await response.json());
  }

  function signedIn(session) {
    state.csrf = session.csrfToken;
    $('who').textContent = `${session.name} (${session.role})`;
    $('nav').hidden = false;
    openEvents();
    route();
  }

  async function signOut() {
    try {
      await api('DELETE', '/api/v1/session');
    } finally {
      showSignIn('Signed out.');
    }
  }

  // --- Live events -------------------------------------------------------------------------------------------

  function openEvents() {
    if (state.events) return;
    const events = new EventSource('/api/v1/events');
    events.addEventListener('agents', (event) => {
      const changed = JSON.parse(event.data);
      for (const agent of changed) state.agents.set(agent.id, agent);
      if (changed.length === 0) return;
      if (state.view === 'fleet') queueFleetRender();
      if (state.view === 'alerts') queueAlertsRefresh();
      if (state.view === 'agent') {
        if (changed.some((a) => a.id === state.chartAgent)) queueSeriesReload();
      }
    });
    events.onerror = () => {
      // The browser reconnects by itself after a network error; a refused stream (the session ended) stays closed.
      if (events.readyState === EventSource.CLOSED) {
        state.events = null;
        setTimeout(start, 2000);
      }
    };
    state.events = events;
  }

  // --- Routing -----------------------------------------------------------------------------------------------

  function route() {
    if (!state.csrf) return;
    const hash = location.hash;
    if (hash.startsWith('#/agent/')) {
      showAgent(decodeURIComponent(hash.slice('#/agent/'.length)));
    } else if (hash === '#/alerts') {
      showAlerts();
    } else if (hash === '#/commands') {
      showCommands();
    } else {
      showFleet();
    }
  }

  // --- Fleet -------------------------------------------------------------------------------------------------

  async function showFleet() {
    show('fleet');
    destroyChart();
    const response = await api('GET', '/api/v1/fleet');
    const list = await response.json();
    state.agents = new Map(list.map((a) => [a.id, a]));
    renderFleet();
  }

  function queueFleetRender() {
    if (state.renderQueued) return;
    state.renderQueued = true;
    requestAnimationFrame(() => {
      state.renderQueued = false;
      if (state.view === 'fleet') renderFleet();
    });
  }

  function sortValue(agent, key) {
    const value = agent[key];
    if (value === null || value === undefined) return -Infinity;
    if (key === 'lastSeen') return Date.parse(value);
    return value;
  }

  function renderFleet() {
    const needle = state.filter.toLowerCase();
    const status = $('status-filter').value;
    const { key, dir } = state.sort;
    const rows = [...state.agents.values()]
      .filter((a) => !needle || a.id.toLowerCase().includes(needle) || (a.hostname || '').toLowerCase().includes(needle))
      .filter((a) => !status || (status === 'alerting' ? a.alertsFiring > 0 : a.status === status))
      .sort((a, b) => {
        const x = sortValue(a, key);
        const y = sortValue(b, key);
        if (x < y) return -dir;
        if (x > y) return dir;
        return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
      });
    const body = document.createDocumentFragment();
    for (const agent of rows.slice(0, MaxRows)) body.appendChild(fleetRow(agent));
    const tbody = $('fleet-table').tBodies[0];
    tbody.replaceChildren(body);
    $('fleet-count').textContent = `(${state.agents.size})`;
    $('fleet-more').textContent = rows.length > MaxRows
      ? `Showing ${MaxRows} of ${rows.length} matching agents: search or sort to find others.`
      : `${rows.length} matching agents.`;
    for (const button of document.querySelectorAll('#fleet-table th button')) {
      const sorted = button.dataset.sort === key;
      if (sorted) button.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
      else button.removeAttribute('aria-sort');
    }
  }

  function cell(text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function fleetRow(agent) {
    const tr = document.createElement('tr');
    tr.dataset.agent = agent.id;
    tr.appendChild(cell(agent.status, agent.status));
    const idCell = document.createElement('td');
    const link = document.createElement('a');
    link.href = `#/agent/${encodeURIComponent(agent.id)}`;
    link.textContent = agent.id;
    idCell.appendChild(link);
    tr.appendChild(idCell);
    tr.appendChild(cell(agent.hostname || ''));
    tr.appendChild(cell(agent.alertsFiring ? `${agent.alertsFiring} firing` : '', agent.alertsFiring ? 'critical' : ''));
    tr.appendChild(cell(percent(agent.cpu), 'num'));
    tr.appendChild(cell(percent(agent.memory), 'num'));
    tr.appendChild(cell(agent.worstDisk == null ? '' : `${agent.worstDisk} ${percent(agent.worstDiskPercent)} %`));
    tr.appendChild(cell(agent.rxBytesPerSec == null ? '' : `${rate(agent.rxBytesPerSec)} / ${rate(agent.txBytesPerSec)}`, 'num'));
    tr.appendChild(cell(duration(agent.uptimeSeconds), 'num'));
    tr.appendChild(cell(agent.lastSeen ? new Date(agent.lastSeen).toLocaleTimeString() : 'never'));
    return tr;
  }

  function percent(value) {
    return value == null ? '' : value.toFixed(1);
  }

  function rate(bytesPerSec) {
    const units = ['B/s', 'KiB/s', 'MiB/s', 'GiB/s'];
    let value = bytesPerSec || 0;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return `${value.toFixed(value >= 100 || unit === 0 ? 0 : 1)} ${units[unit]}`;
  }

  function duration(seconds) {
    if (seconds == null) return '';
    const days = Math.floor(seconds / 86400);
    const hours = Math.floor((seconds % 86400) / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    return days > 0 ? `${days}d ${hours}h` : hours > 0 ? `${hours}h ${minutes}m` : `${minutes}m`;
  }

  // --- Agent -------------------------------------------------------------------------------------------------

  async function showAgent(id) {
    show('agent');
    destroyChart();
    $('agent-title').textContent = id;
    $('agent-error').textContent = '';
    $('agent-facts').replaceChildren();
    $('agent-points').textContent = '';
    const response = await api('GET', `/api/v1/agents/${encodeURIComponent(id)}`);
    if (!response.ok) {
      $('agent-error').textContent = await problemText(response);
      return;
    }
    const agent = await response.json();
    renderFacts(agent);
    loadAgentCommands(id);
    loadAgentAlerts(id);
    loadAgentFiles(id);
    state.chartAgent = id;
    await loadSeries(id);
  }

  /** Reads the agent's series for the chosen range (raw for an hour, else the tier the manager picks) and draws it. */
  async function loadSeries(id) {
    const seconds = Number($('agent-range').value);
    const from = new Date(Date.now() - seconds * 1000).toISOString();
    const step = seconds <= 3600 ? 'raw' : 'auto';
    const response = await api('GET', `/api/v1/agents/${encodeURIComponent(id)}/series?from=${encodeURIComponent(from)}&step=${step}`);
    if (!response.ok) {
      $('agent-error').textContent = await problemText(response);
      return;
    }
    const series = await response.json();
    if (state.chartAgent !== id || state.view !== 'agent') return;
    drawCharts(series, seconds);
  }

  let seriesTimer = null;

  function queueSeriesReload() {
    if (seriesTimer) return;
    seriesTimer = setTimeout(() => {
      seriesTimer = null;
      if (state.view === 'agent' && state.chartAgent) loadSeries(state.chartAgent);
    }, 500);
  }

  function stat(point, name) {
    const value = point.metrics[name];
    return value ? value.avg : null;
  }

  function renderFacts(agent) {
    const facts = [
      ['Status', agent.status],
      ['Host', agent.hostname || ''],
      ['System', [agent.os, agent.osVersion].filter(Boolean).join(' ')],
      ['Agent version', agent.agentVersion || ''],
      ['Address', agent.address || ''],
      ['Last seen', agent.lastSeen ? new Date(agent.lastSeen).toLocaleString() : 'never'],
      ['Labels', agent.labels ? Object.entries(agent.labels).map(([k, v]) => `${k}=${v}`).join(', ') : ''],
    ];
    const list = document.createDocumentFragment();
    for (const [name, value] of facts) {
      const dt = document.createElement('dt');
      dt.textContent = name;
      const dd = document.createElement('dd');
      dd.textContent = value;
      list.append(dt, dd);
    }
    $('agent-facts').replaceChildren(list);
  }

  const Palette = ['#0b63ce', '#c2410c', '#15803d', '#7c3aed', '#b45309', '#0e7490', '#be123c', '#4d7c0f'];

  function drawCharts(series, seconds) {
    destroyCharts();
    const times = series.points.map((p) => Date.parse(p.timestamp) / 1000);
    const names = new Set(series.points.flatMap((p) => Object.keys(p.metrics)));
    const suffixes = (prefix) => [...names].filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length)).sort();
    const values = (name) => series.points.map((p) => stat(p, name));
    const sum = (prefix) => series.points.map((p) => {
      const parts = suffixes(prefix).map((suffix) => stat(p, prefix + suffix)).filter((v) => v !== null);
      return parts.length ? parts.reduce((a, b) => a + b, 0) : null;
    });
    const mounts = suffixes('disk.percent:');
    const range = () => [Date.now() / 1000 - seconds, Date.now() / 1000];
    chart('agent-chart', [{ label: 'CPU %' }, { label: 'Memory %' }], [times, values('cpu.percent'), values('memory.percent')], range, true);
    chart('disk-chart', mounts.map((m) => ({ label: m })), [times, ...mounts.map((m) => values('disk.percent:' + m))], range, true);
    chart('net-chart', [{ label: 'In' }, { label: 'Out' }], [times, sum('network.rxBytesPerSec:'), sum('network.txBytesPerSec:')], range, false);
    $('agent-points').textContent = `${points(times.length)} (${series.tier})`;
  }

  function chart(elementId, lines, data, range, percent) {
    const element = $(elementId);
    element.replaceChildren();
    state.charts.push(new uPlot(
      {
        width: Math.max(element.clientWidth, 280),
        height: 260,
        series: [{}, ...lines.map((line, i) => ({ label: line.label, stroke: Palette[i % Palette.length], width: 2 }))],
        scales: { x: { time: true, range }, y: percent ? { range: [0, 100] } : {} },
        axes: [{}, percent ? { label: '%' } : { values: (u, ticks) => ticks.map(rate), size: 80 }],
      },
      data,
      element,
    ));
  }

  function points(count) {
    return count === 1 ? '1 point' : `${count} points`;
  }

  function destroyCharts() {
    for (const c of state.charts) c.destroy();
    state.charts = [];
  }

  function destroyChart() {
    destroyCharts();
    state.chartAgent = null;
  }

  // --- Alerts ------------------------------------------------------------------------------------------------

  let alertsTimer = null;

  async function showAlerts() {
    show('alerts');
    destroyChart();
    await loadAlerts();
  }

  function queueAlertsRefresh() {
    if (alertsTimer) return;
    alertsTimer = setTimeout(() => {
      alertsTimer = null;
      if (state.view === 'alerts') loadAlerts();
    }, 2000);
  }

  async function loadAlerts() {
    const wanted = $('alert-state').value;
    const query = wanted ? `?state=${encodeURIComponent(wanted)}&limit=200` : '?limit=200';
    const response = await api('GET', `/api/v1/alerts${query}`);
    if (!response.ok) {
      $('alerts-error').textContent = await problemText(response);
      return;
    }
    const alerts = await response.json();
    const rows = document.createDocumentFragment();
    for (const alert of alerts) rows.appendChild(alertRow(alert, true));
    $('alerts-table').tBodies[0].replaceChildren(rows);
    await loadSilences();
  }

  async function loadSilences() {
    const response = await api('GET', '/api/v1/silences');
    if (!response.ok) return;
    const now = Date.now();
    const rows = document.createDocumentFragment();
    for (const silence of (await response.json()).filter((s) => Date.parse(s.until) > now)) {
      const tr = document.createElement('tr');
      tr.appendChild(cell(new Date(silence.until).toLocaleString()));
      tr.appendChild(cell(silence.agent || '*'));
      tr.appendChild(cell(silence.rule || '*'));
      tr.appendChild(cell(silence.createdBy || ''));
      tr.appendChild(cell(silence.reason || ''));
      const action = document.createElement('td');
      action.appendChild(button('End', () => endSilence(silence)));
      tr.appendChild(action);
      rows.appendChild(tr);
    }
    $('silences-table').tBodies[0].replaceChildren(rows);
  }

  async function endSilence(silence) {
    const response = await api('DELETE', `/api/v1/silences/${encodeURIComponent(silence.id)}`);
    $('alerts-error').textContent = response.ok ? '' : await problemText(response);
    await loadAlerts();
  }

  function alertRow(alert, withAgent) {
    const t = alert.transition;
    const tr = document.createElement('tr');
    tr.dataset.alert = String(alert.id);
    tr.appendChild(cell(new Date(t.timestamp).toLocaleString()));
    tr.appendChild(cell(t.state + (alert.silenced ? ' (silenced)' : '')));
    tr.appendChild(cell(t.severity, t.severity));
    if (withAgent) {
      const agentCell = document.createElement('td');
      const link = document.createElement('a');
      link.href = `#/agent/${encodeURIComponent(alert.agentId)}`;
      link.textContent = alert.agentId;
      agentCell.appendChild(link);
      tr.appendChild(agentCell);
    }
    tr.appendChild(cell(t.rule));
    tr.appendChild(cell(t.message || ''));
    if (!withAgent) return tr;
    tr.appendChild(cell(alert.acknowledgedBy ? `by ${alert.acknowledgedBy}` : ''));
    const actions = document.createElement('td');
    if (t.state === 'firing' && !alert.acknowledgedBy) {
      actions.appendChild(button('Acknowledge', () => acknowledge(alert)));
    }
    if (t.state === 'firing') {
      actions.appendChild(button('Silence 1 h', () => silence(alert)));
    }
    tr.appendChild(actions);
    return tr;
  }

  function button(text, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.addEventListener('click', onClick);
    return b;
  }

  async function acknowledge(alert) {
    const response = await api('POST', `/api/v1/alerts/${alert.id}/acknowledge`);
    $('alerts-error').textContent = response.ok ? '' : await problemText(response);
    await loadAlerts();
  }

  async function silence(alert) {
    const until = new Date(Date.now() + 3600 * 1000).toISOString();
    const response = await api('POST', '/api/v1/silences', {
      agent: alert.agentId, rule: alert.transition.rule, until, reason: 'silenced from the dashboard',
    });
    $('alerts-error').textContent = response.ok ? '' : await problemText(response);
    await loadAlerts();
  }

  // --- An agent's commands and alerts ---------------------------------------------------------------------------

  async function loadAgentCommands(id) {
    const response = await api('GET', `/api/v1/agents/${encodeURIComponent(id)}/commands?limit=20`);
    if (!response.ok) return;
    const rows = document.createDocumentFragment();
    for (const command of await response.json()) rows.appendChild(commandRow(command, false));
    $('commands-table').tBodies[0].replaceChildren(rows);
  }

  /** The files the agent sent (send_file) among the store's newest; downloads go through the session cookie. */
  async function loadAgentFiles(id) {
    const response = await api('GET', '/api/v1/files?limit=1000');
    if (!response.ok) return;
    const rows = document.createDocumentFragment();
    for (const file of (await response.json()).filter((f) => f.agentId === id)) {
      const tr = document.createElement('tr');
      tr.appendChild(cell(new Date(file.createdAt).toLocaleString()));
      tr.appendChild(cell(file.name));
      tr.appendChild(cell(file.sourcePath || ''));
      tr.appendChild(cell(bytes(file.size), 'num'));
      tr.appendChild(cell(file.status));
      const action = document.createElement('td');
      if (file.status === 'complete') {
        const link = document.createElement('a');
        link.href = `/api/v1/files/${encodeURIComponent(file.id)}/content`;
        link.download = file.name;
        link.textContent = 'Download';
        action.appendChild(link);
      }
      tr.appendChild(action);
      rows.appendChild(tr);
    }
    $('agent-files-table').tBodies[0].replaceChildren(rows);
  }

  function bytes(count) {
    return rate(count).replace('/s', '');
  }

  async function showCommands() {
    show('commands');
    destroyChart();
    const response = await api('GET', '/api/v1/commands?limit=200');
    if (!response.ok) return;
    const rows = document.createDocumentFragment();
    for (const command of await response.json()) rows.appendChild(commandRow(command, true));
    $('fleet-commands-table').tBodies[0].replaceChildren(rows);
  }

  function commandRow(command, withAgent) {
    const tr = document.createElement('tr');
    tr.appendChild(cell(new Date(command.createdAt).toLocaleString()));
    if (withAgent) {
      const agentCell = document.createElement('td');
      const link = document.createElement('a');
      link.href = `#/agent/${encodeURIComponent(command.agentId)}`;
      link.textContent = command.agentId;
      agentCell.appendChild(link);
      tr.appendChild(agentCell);
    }
    tr.appendChild(cell(command.name));
    tr.appendChild(cell(command.status));
    tr.appendChild(cell(command.requestedBy || ''));
    tr.appendChild(cell(command.error || ''));
    return tr;
  }

  async function loadAgentAlerts(id) {
    const response = await api('GET', `/api/v1/alerts?agent=${encodeURIComponent(id)}&limit=20`);
    if (!response.ok) return;
    const rows = document.createDocumentFragment();
    for (const alert of await response.json()) rows.appendChild(alertRow(alert, false));
    $('agent-alerts-table').tBodies[0].replaceChildren(rows);
  }

  async function runCommand(event) {
    event.preventDefault();
    const id = state.chartAgent;
    const name = $('command-name').value;
    if (!id) return;
    // Destructive commands ask first.
    if (name === 'restart' && !window.confirm(`Restart the agent on ${id}? It stops reporting until it is back.`)) return;
    $('command-error').textContent = '';
    $('command-output').textContent = 'Running…';
    const response = await api('POST', `/api/v1/agents/${encodeURIComponent(id)}/commands`, { name, timeoutSeconds: 30, wait: true });
    if (!response.ok) {
      $('command-output').textContent = '';
      $('command-error').textContent = await problemText(response);
      return;
    }
    const record = await response.json();
    $('command-output').textContent = record.status === 'succeeded'
      ? JSON.stringify(record.result, null, 2)
      : `${record.status}: ${record.error || ''}`;
    await loadAgentCommands(id);
  }

  // --- Wiring ------------------------------------------------------------------------------------------------

  $('alert-state').addEventListener('change', loadAlerts);
  $('agent-range').addEventListener('change', () => state.chartAgent && loadSeries(state.chartAgent));
  $('command-form').addEventListener('submit', runCommand);

  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', signOut);
  $('status-filter').addEventListener('change', renderFleet);
  $('search').addEventListener('input', (event) => {
    state.filter = event.target.value;
    renderFleet();
  });
  for (const button of document.querySelectorAll('#fleet-table th button')) {
    button.addEventListener('click', () => {
      const key = button.dataset.sort;
      state.sort = { key, dir: state.sort.key === key ? -state.sort.dir : 1 };
      renderFleet();
    });
  }
  window.addEventListener('hashchange', route);
  window.addEventListener('resize', () => {
    for (const c of state.charts) c.setSize({ width: Math.max(c.root.parentElement.clientWidth, 280), height: 260 });
  });
  start();
})();
