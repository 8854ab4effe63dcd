'use strict';

// The alerts view: transitions by state, acknowledging and silencing them, and the active silences.

import { $, agentCell, api, button, cell, problemText, show, state } from './core.js';
import { destroyChart } from './agent.js';

// --- Alerts ------------------------------------------------------------------------------------------------

let alertsTimer = null;

export async function showAlerts() {
  show('alerts');
  destroyChart();
  await loadAlerts();
}

export function queueAlertsRefresh() {
  if (alertsTimer) return;
  alertsTimer = setTimeout(() => {
    alertsTimer = null;
    if (state.view === 'alerts') loadAlerts();
  }, 2000);
}

export async function loadAlerts() {
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
  await Promise.all([loadSilences(), loadReceivers()]);
}

export async function loadReceivers() {
  const response = await api('GET', '/api/v1/receivers');
  if (!response.ok) return;
  const rows = document.createDocumentFragment();
  for (const receiver of await response.json()) {
    const status = receiver.status || { state: 'idle', pending: 0 };
    const tr = document.createElement('tr');
    tr.dataset.receiver = receiver.name;
    tr.appendChild(cell(receiver.name));
    tr.appendChild(cell(receiver.webhook ? 'webhook' : 'email'));
    tr.appendChild(cell(receiver.webhook ? receiver.webhook.url.split('?')[0] : `${receiver.email.host}: ${receiver.email.to.join(', ')}`));
    tr.appendChild(cell(status.state, status.state === 'failing' ? 'critical' : status.state === 'ok' ? 'online' : ''));
    tr.appendChild(cell(String(status.pending), 'num'));
    tr.appendChild(cell(status.lastAttemptAt ? new Date(status.lastAttemptAt).toLocaleString() : ''));
    tr.appendChild(cell(status.lastError || ''));
    rows.appendChild(tr);
  }
  $('receivers-table').tBodies[0].replaceChildren(rows);
}

export async function loadSilences() {
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

export async function endSilence(silence) {
  const response = await api('DELETE', `/api/v1/silences/${encodeURIComponent(silence.id)}`);
  $('alerts-error').textContent = response.ok ? '' : await problemText(response);
  await loadAlerts();
}

export function alertRow(alert, withAgent) {
  const t = alert.transition;
  const tr = document.createElement('tr');
  tr.dataset.alert = String(alert.id);
  tr.appendChild(cell(new Date(t.timestamp).toLocaleString()));
  tr.appendChild(cell(t.state + (alert.silenced ? ' (silenced)' : '')));
  tr.appendChild(cell(t.severity, t.severity));
  if (withAgent) tr.appendChild(agentCell(alert.agentId));
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


export async function acknowledge(alert) {
  const response = await api('POST', `/api/v1/alerts/${alert.id}/acknowledge`);
  $('alerts-error').textContent = response.ok ? '' : await problemText(response);
  await loadAlerts();
}

export async function silence(alert) {
  const until = new Date(Date.now() + 3600 * 1000).toISOString();
  const response = await api('POST', '/api/v1/silences', {
    agent: alert.agentId, rule: alert.transition.rule, until, reason: 'silenced from the dashboard',
  });
  $('alerts-error').textContent = response.ok ? '' : await problemText(response);
  await loadAlerts();
}
