'use strict';

// The fleet's command history, newest first.

import { $, agentCell, api, cell, show } from './core.js';
import { destroyChart } from './agent.js';

export async function showCommands() {
  show('commands');
  destroyChart();
  const response = await api('GET', '/api/v1/commands?limit=200');
  if (!response.ok) return;
  const rows = document.createDocumentFragment();
  for (const command of await response.json()) rows.appendChild(commandRow(command, true));
  $('fleet-commands-table').tBodies[0].replaceChildren(rows);
}

export function commandRow(command, withAgent) {
  const tr = document.createElement('tr');
  tr.appendChild(cell(new Date(command.createdAt).toLocaleString()));
  if (withAgent) tr.appendChild(agentCell(command.agentId));
  tr.appendChild(cell(command.name));
  tr.appendChild(cell(command.status));
  tr.appendChild(cell(command.requestedBy || ''));
  tr.appendChild(cell(command.error || ''));
  return tr;
}
