// Entry point: reads what this server offers, starts both views and routes between them by the hash
// (#/events, #/tasks, #/tasks/<id>), so the token stays in the query string untouched.
import { $, api, toast } from './util.js';
import { initEvents } from './events.js';
import { initTasks, loadTasks, showTask } from './tasks.js';

function route() {
  const h = location.hash || '#/events';
  const tasks = h.startsWith('#/tasks');
  $('view-events').hidden = tasks;
  $('view-tasks').hidden = !tasks;
  $('nav-events').classList.toggle('active', !tasks);
  $('nav-tasks').classList.toggle('active', tasks);
  if (!tasks) return;
  const id = h.startsWith('#/tasks/') ? decodeURIComponent(h.slice('#/tasks/'.length)) : '';
  $('task-list').hidden = id !== '';
  $('task-page').hidden = id === '';
  if (id) showTask(id); else loadTasks();
}

async function start() {
  let info = { live: false, actions: false };
  try {
    info = await api('api/info');
  } catch (e) {
    toast('The inspector did not answer: ' + e.message, true);
  }
  initEvents(info);
  initTasks();
  window.addEventListener('hashchange', route);
  route();
  document.body.dataset.ready = 'true';
}

start();
