'use strict';

// The fleet view: every agent in a line, searched, filtered and sorted here, 200 rows drawn at a time.

import { $, MaxRows, agentCell, api, button, cell, duration, percent, rate, show, state } from './core.js';
import { destroyChart } from './agent.js';

// --- Fleet -------------------------------------------------------------------------------------------------

export async function showFleet() {
  show('fleet');
  destroyChart();
  const response = await api('GET', '/api/v1/fleet');
  const list = await response.json();
  state.agents = new Map(list.map((a) => [a.id, a]));
  renderFleet();
}

export function queueFleetRender() {
  if (state.renderQueued) return;
  state.renderQueued = true;
  requestAnimationFrame(() => {
    state.renderQueued = false;
    if (state.view === 'fleet') renderFleet();
  });
}

export function sortValue(agent, key) {
  const value = agent[key];
  if (value === null || value === undefined) return -Infinity;
  if (key === 'lastSeen') return Date.parse(value);
  return value;
}

export function renderFleet() {
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


export function fleetRow(agent) {
  const tr = document.createElement('tr');
  tr.dataset.agent = agent.id;
  tr.appendChild(cell(agent.status, agent.status));
  tr.appendChild(agentCell(agent.id));
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
