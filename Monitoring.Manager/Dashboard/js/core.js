'use strict';

// Shared by every view: the page's state, the API call (with the session's CSRF token), and text formatting.
// Everything an agent sends goes into the page as text (textContent), never as HTML.

export const MaxRows = 200;
export const state = {
  csrf: null,
  agents: new Map(),
  sort: { key: 'id', dir: 1 },
  filter: '',
  events: null,
  view: null,
  charts: [],
  chartAgent: null,
  // The commands the shown agent offered, by name (its own included).
  commands: {},
  renderQueued: false,
};
export const $ = (id) => document.getElementById(id);

let signedOut = () => {};

/** What the page does when the manager says the session has ended (set by app.js). */
export function onSignedOut(handler) {
  signedOut = handler;
}

// --- API ---------------------------------------------------------------------------------------------------

export async function api(method, path, body) {
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
    signedOut('Your session has ended: sign in again.');
    throw new Error('signed out');
  }
  return response;
}

export async function problemText(response) {
  try {
    const problem = await response.json();
    return problem.detail || problem.title || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

export function show(section) {
  for (const id of ['sign-in', 'fleet', 'alerts', 'commands', 'agent']) $(id).hidden = id !== section;
  state.view = section;
}

/** A cell linking to an agent's page, its id as text. */
export function agentCell(agentId) {
  const td = document.createElement('td');
  const link = document.createElement('a');
  link.href = `#/agent/${encodeURIComponent(agentId)}`;
  link.textContent = agentId;
  td.appendChild(link);
  return td;
}

export function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

export function percent(value) {
  return value == null ? '' : value.toFixed(1);
}

export function rate(bytesPerSec) {
  const units = ['B/s', 'KiB/s', 'MiB/s', 'GiB/s'];
  let value = bytesPerSec || 0;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value >= 100 || unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function duration(seconds) {
  if (seconds == null) return '';
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return days > 0 ? `${days}d ${hours}h` : hours > 0 ? `${hours}h ${minutes}m` : `${minutes}m`;
}

export function points(count) {
  return count === 1 ? '1 point' : `${count} points`;
}

export function button(text, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

export function bytes(count) {
  return rate(count).replace('/s', '');
}
