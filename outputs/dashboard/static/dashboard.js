/*
 * Kindling dashboard page: listens to the server's event stream (`events`), keeps the recent
 * batches, receivers, errors and the job's panels, and redraws what changed at most once a frame.
 * Browser modules, served as they are.
 */
/* global EventSource, requestAnimationFrame */
import {
  drawBatches,
  drawEngineCharts,
  drawErrors,
  drawReceivers,
  drawSummary,
  setStatus,
  shownErrors,
} from './engine.js';
import { JobPanels } from './panels.js';

const state = {
  summary: null,
  batches: new Map(),
  receivers: new Map(),
  errors: [],
};
const panels = new JobPanels();

// ---- drawing, at most once a frame ------------------------------------------------------------

const dirty = new Set();
let frame = 0;

function redraw(...parts) {
  for (const part of parts) dirty.add(part);
  if (frame === 0) frame = requestAnimationFrame(flush);
}

function flush() {
  frame = 0;
  if (dirty.has('summary')) drawSummary(state.summary);
  if (dirty.has('batches')) {
    drawBatches(state.batches);
    drawEngineCharts(state.batches);
  }
  if (dirty.has('receivers')) drawReceivers(state.receivers);
  if (dirty.has('errors')) drawErrors(state.errors);
  if (dirty.has('panels')) panels.draw();
  dirty.clear();
}

// ---- the event stream -----------------------------------------------------------------------

const events = new EventSource('events');
const on = (name, handle) => events.addEventListener(name, (message) => handle(JSON.parse(message.data)));

on('snapshot', ({ statistics, panels: states }) => {
  state.summary = statistics.summary;
  state.batches = new Map(statistics.batches.map((b) => [b.batchTime, b]));
  state.receivers = new Map(statistics.receivers.map((r) => [r.streamId, r]));
  state.errors = [...statistics.errors];
  for (const panel of states) panels.apply(panel, true);
  redraw('summary', 'batches', 'receivers', 'errors', 'panels');
});
on('batch', ({ batch, summary }) => {
  state.batches.set(batch.batchTime, batch);
  state.summary = summary;
  redraw('summary', 'batches');
});
on('receiver', ({ receiver }) => {
  state.receivers.set(receiver.streamId, receiver);
  redraw('receivers');
});
on('reportedError', ({ error }) => {
  state.errors = [...state.errors, error].slice(-shownErrors);
  redraw('errors');
});
on('summary', ({ summary }) => {
  state.summary = summary;
  redraw('summary');
});
on('panel', (update) => {
  panels.apply(update, false);
  redraw('panels');
});
on('closed', ({ summary }) => {
  // The job stopped and the server is closing: do not try to reconnect.
  events.close();
  state.summary = summary;
  redraw('summary');
});
events.addEventListener('open', () => {
  if (state.summary) setStatus(state.summary.state);
});
events.onerror = () => {
  if (events.readyState !== EventSource.CLOSED) setStatus('disconnected');
};
