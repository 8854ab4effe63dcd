'use strict';

// An agent's page: its facts, charts over a chosen range (raw or rollup tiers), commands, files and alerts.

import { $, api, bytes, cell, percent, points, problemText, rate, show, state } from './core.js';
import { alertRow } from './alerts.js';
import { commandRow } from './commands.js';

// --- Agent -------------------------------------------------------------------------------------------------

export async function showAgent(id) {
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
  renderCommandChoices(agent.commands);
  renderGpus(agent.latest);
  renderApplication(agent.latest);
  loadAgentCommands(id);
  loadAgentAlerts(id);
  loadAgentFiles(id);
  state.chartAgent = id;
  await loadSeries(id);
}

/** Reads the agent's series for the chosen range (raw for an hour, else the tier the manager picks) and draws it. */
export async function loadSeries(id) {
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

export function queueSeriesReload() {
  if (seriesTimer) return;
  seriesTimer = setTimeout(() => {
    seriesTimer = null;
    if (state.view === 'agent' && state.chartAgent) loadSeries(state.chartAgent);
  }, 500);
}

export function stat(point, name) {
  const value = point.metrics[name];
  return value ? value.avg : null;
}

export function renderFacts(agent) {
  const facts = [
    ['Status', agent.status],
    ['Host', agent.hostname || ''],
    ['System', [agent.os, agent.osVersion].filter(Boolean).join(' ')],
    ['Agent version', agent.agentVersion || ''],
    ['Address', agent.address || ''],
    ['Last seen', agent.lastSeen ? new Date(agent.lastSeen).toLocaleString() : 'never'],
    ['Labels', agent.labels ? Object.entries(agent.labels).map(([k, v]) => `${k}=${v}`).join(', ') : ''],
  ];
  $('agent-facts').replaceChildren(factList(facts));
}

/** A definition list's terms and descriptions from [name, value] pairs. */
function factList(facts) {
  const list = document.createDocumentFragment();
  for (const [name, value] of facts) {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.textContent = value;
    list.append(dt, dd);
  }
  return list;
}

/** The GPUs of the agent's newest snapshot: one row each, the section hidden when it has none. */
export function renderGpus(latest) {
  const gpus = (latest && latest.gpus) || [];
  $('gpu-section').hidden = gpus.length === 0;
  const rows = document.createDocumentFragment();
  for (const gpu of gpus) {
    const tr = document.createElement('tr');
    tr.appendChild(cell(String(gpu.index)));
    tr.appendChild(cell(gpu.name));
    tr.appendChild(cell(gpu.utilizationPercent == null ? '' : `${percent(gpu.utilizationPercent)} %`, 'num'));
    tr.appendChild(cell(gpu.memoryTotalBytes == null ? '' : `${bytes(gpu.memoryUsedBytes)} of ${bytes(gpu.memoryTotalBytes)}`, 'num'));
    tr.appendChild(cell(gpu.temperatureCelsius == null ? '' : `${gpu.temperatureCelsius} °C`, 'num'));
    tr.appendChild(cell(gpu.powerWatts == null ? '' : `${gpu.powerWatts.toFixed(1)} W` + (gpu.powerLimitWatts == null ? '' : ` of ${gpu.powerLimitWatts.toFixed(0)} W`), 'num'));
    rows.appendChild(tr);
  }
  $('gpu-table').tBodies[0].replaceChildren(rows);
}

/** The app that embeds the agent, from its newest snapshot: its process and its values; hidden for a standalone agent. */
export function renderApplication(latest) {
  const app = latest && latest.application;
  $('app-section').hidden = !app;
  if (!app) return;
  const facts = [
    ['Name', app.version ? `${app.name} ${app.version}` : app.name],
    ['Process', `${app.processId}, started ${new Date(app.startTime).toLocaleString()}`],
    ['Processor', `${percent(app.cpuPercent)} % of the machine`],
    ['Memory', `${bytes(app.workingSetBytes)} working set, ${bytes(app.gcHeapBytes)} managed heap`],
  ];
  if (app.threadPoolThreads != null) facts.push(['Thread pool', `${app.threadPoolThreads} threads`]);
  $('app-facts').replaceChildren(factList(facts));
  const rows = document.createDocumentFragment();
  for (const [name, value] of Object.entries(app.values || {}).sort(([a], [b]) => a.localeCompare(b))) {
    const tr = document.createElement('tr');
    tr.appendChild(cell(name));
    tr.appendChild(cell(String(value), 'num'));
    rows.appendChild(tr);
  }
  $('app-values').tBodies[0].replaceChildren(rows);
  $('app-values').hidden = !app.values || Object.keys(app.values).length === 0;
}

const Palette = ['#0b63ce', '#c2410c', '#15803d', '#7c3aed', '#b45309', '#0e7490', '#be123c', '#4d7c0f'];

export function drawCharts(series, seconds) {
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
  // GPUs and temperature sensors: only where the agent reports them.
  const gpus = suffixes('gpu.utilization:').concat(suffixes('gpu.memory.percent:')).filter((g, i, all) => all.indexOf(g) === i);
  if (gpus.length) {
    $('gpu-section').hidden = false;
    const lines = gpus.flatMap((g) => [{ label: `GPU ${g} busy`, name: 'gpu.utilization:' + g }, { label: `GPU ${g} memory`, name: 'gpu.memory.percent:' + g }])
      .filter((line) => names.has(line.name));
    chart('gpu-chart', lines, [times, ...lines.map((line) => values(line.name))], range, true);
  }
  const sensors = suffixes('sensor.temperature:').map((s) => ({ label: s, name: 'sensor.temperature:' + s }))
    .concat(suffixes('gpu.temperature:').map((g) => ({ label: `GPU ${g}`, name: 'gpu.temperature:' + g })));
  $('temperature-section').hidden = sensors.length === 0;
  if (sensors.length) chart('temperature-chart', sensors, [times, ...sensors.map((line) => values(line.name))], range, '°C');
  // The app that embeds the agent: its processor use beside the machine's, and its values.
  if (names.has('app.cpu.percent')) {
    chart('app-chart', [{ label: 'App CPU %' }, { label: 'Machine CPU %' }], [times, values('app.cpu.percent'), values('cpu.percent')], range, true);
    const appValues = suffixes('app.value:').map((v) => ({ label: v, name: 'app.value:' + v }));
    if (appValues.length) chart('app-values-chart', appValues, [times, ...appValues.map((line) => values(line.name))], range, 'value');
  }
  $('agent-points').textContent = `${points(times.length)} (${series.tier})`;
}

/** Draws one chart; the y axis is percent (true), bytes per second (false) or labelled with the unit given (a string). */
export function chart(elementId, lines, data, range, percent) {
  const element = $(elementId);
  element.replaceChildren();
  state.charts.push(new uPlot(
    {
      width: Math.max(element.clientWidth, 280),
      height: 260,
      series: [{}, ...lines.map((line, i) => ({ label: line.label, stroke: Palette[i % Palette.length], width: 2 }))],
      scales: { x: { time: true, range }, y: percent === true ? { range: [0, 100] } : {} },
      axes: [{}, percent === true ? { label: '%' } : typeof percent === 'string' ? { label: percent } : { values: (u, ticks) => ticks.map(rate), size: 80 }],
    },
    data,
    element,
  ));
}


export function destroyCharts() {
  for (const c of state.charts) c.destroy();
  state.charts = [];
}

export function destroyChart() {
  destroyCharts();
  state.chartAgent = null;
}

// --- An agent's commands and alerts ---------------------------------------------------------------------------

export async function loadAgentCommands(id) {
  const response = await api('GET', `/api/v1/agents/${encodeURIComponent(id)}/commands?limit=20`);
  if (!response.ok) return;
  const rows = document.createDocumentFragment();
  for (const command of await response.json()) rows.appendChild(commandRow(command, false));
  $('commands-table').tBodies[0].replaceChildren(rows);
}

/** The files the agent sent (send_file) among the store's newest; downloads go through the session cookie. */
export async function loadAgentFiles(id) {
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




export async function loadAgentAlerts(id) {
  const response = await api('GET', `/api/v1/alerts?agent=${encodeURIComponent(id)}&limit=20`);
  if (!response.ok) return;
  const rows = document.createDocumentFragment();
  for (const alert of await response.json()) rows.appendChild(alertRow(alert, false));
  $('agent-alerts-table').tBodies[0].replaceChildren(rows);
}

/** What an agent that offered no list (an older one) can run from here. */
const BuiltInChoices = ['get_status', 'get_process_count', 'list_processes', 'get_logs', 'restart'];

/**
 * The "Run a command" list: every command the agent offered (an app's own among them), each with a field per argument
 * from its definition; the built-in list, without arguments, where it offered none.
 */
export function renderCommandChoices(commands) {
  state.commands = Object.fromEntries((commands || []).map((c) => [c.name, c]));
  const names = commands && commands.length ? commands.map((c) => c.name) : BuiltInChoices;
  $('command-name').replaceChildren(...names.map((name) => {
    const option = document.createElement('option');
    option.value = name;
    option.textContent = name;
    if (state.commands[name] && state.commands[name].description) option.title = state.commands[name].description;
    return option;
  }));
  renderArguments();
}

/** One field per argument of the chosen command: a number within its bounds, a choice, text or a checkbox. */
export function renderArguments() {
  const definition = state.commands[$('command-name').value];
  const fields = document.createDocumentFragment();
  for (const argument of (definition && definition.arguments) || []) {
    const label = document.createElement('label');
    label.textContent = argument.name;
    label.title = argument.description || '';
    let input;
    if (argument.type === 'string' && argument.allowedValues && argument.allowedValues.length) {
      input = document.createElement('select');
      const choices = argument.required ? argument.allowedValues : ['', ...argument.allowedValues];
      input.replaceChildren(...choices.map((value) => {
        const option = document.createElement('option');
        option.value = value;
        option.textContent = value || '(default)';
        return option;
      }));
    } else {
      input = document.createElement('input');
      input.type = argument.type === 'integer' ? 'number' : argument.type === 'boolean' ? 'checkbox' : 'text';
      if (argument.type === 'integer') {
        input.step = '1';
        if (argument.minimum != null) input.min = String(argument.minimum);
        if (argument.maximum != null) input.max = String(argument.maximum);
      } else if (argument.type === 'string' && argument.maximum != null) {
        input.maxLength = argument.maximum;
      }
      if (argument.type !== 'boolean') input.placeholder = argument.description || argument.name;
    }
    input.dataset.argument = argument.name;
    input.dataset.type = argument.type;
    input.required = !!argument.required && argument.type !== 'boolean';
    input.setAttribute('aria-label', argument.name);
    label.appendChild(input);
    fields.appendChild(label);
  }
  $('command-arguments').replaceChildren(fields);
}

/** The filled-in arguments, typed as the definition says; empty fields are left to the command's defaults. */
function commandArguments() {
  const values = {};
  for (const input of $('command-arguments').querySelectorAll('[data-argument]')) {
    const name = input.dataset.argument;
    if (input.dataset.type === 'boolean') {
      if (input.checked) values[name] = true;
    } else if (input.value !== '') {
      values[name] = input.dataset.type === 'integer' ? Number(input.value) : input.value;
    }
  }
  return values;
}

export async function runCommand(event) {
  event.preventDefault();
  const id = state.chartAgent;
  const name = $('command-name').value;
  if (!id) return;
  // Commands that change something ask first; those the agent declares read-only do not.
  const definition = state.commands[name];
  const question = name === 'restart'
    ? `Restart the agent on ${id}? It stops reporting until it is back.`
    : definition && !definition.readOnly ? `Run ${name} on ${id}? It is not read-only: ${definition.description || 'it may change the machine'}` : null;
  if (question && !window.confirm(question)) return;
  $('command-error').textContent = '';
  $('command-output').textContent = 'Running…';
  const response = await api('POST', `/api/v1/agents/${encodeURIComponent(id)}/commands`, { name, arguments: commandArguments(), timeoutSeconds: 30, wait: true });
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
