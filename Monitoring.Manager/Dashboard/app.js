'use strict';

import { $, api, onSignedOut, problemText, show, state } from './js/core.js';
import { queueFleetRender, renderFleet, showFleet } from './js/fleet.js';
import { loadSeries, queueSeriesReload, renderArguments, runCommand, showAgent } from './js/agent.js';
import { loadAlerts, queueAlertsRefresh, showAlerts } from './js/alerts.js';
import { showCommands } from './js/commands.js';

// The dashboard's entry: sign-in and sign-out, the live event stream, and the routes between views. The admin key
// is posted once and forgotten; the session lives in an HttpOnly cookie, and its CSRF token only in memory.

// --- Session -----------------------------------------------------------------------------------------------

async function start() {
  const response = await fetch('/api/v1/session', { credentials: 'same-origin', cache: 'no-store' });
  if (response.ok) {
    signedIn(await response.json());
  } else {
    showSignIn('');
  }
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

// --- Wiring ------------------------------------------------------------------------------------------------

$('alert-state').addEventListener('change', loadAlerts);
$('agent-range').addEventListener('change', () => state.chartAgent && loadSeries(state.chartAgent));
$('command-form').addEventListener('submit', runCommand);
$('command-name').addEventListener('change', renderArguments);

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
onSignedOut(showSignIn);
window.addEventListener('hashchange', route);
window.addEventListener('resize', () => {
  for (const c of state.charts) c.setSize({ width: Math.max(c.root.parentElement.clientWidth, 280), height: 260 });
});
start();
