// Messages: browse a topic (GET /api/admin/topics/{topic}/messages), export the page shown, show the recent trace
// of an event (GET /api/admin/traces?eventId=), and follow topics live (SSE, GET /api/admin/messages/tail).
(() => {
  'use strict';
  const { api, say } = window.ops;
  const render = window.opsRecords;
  const form = document.getElementById('browse');
  const list = document.getElementById('records');
  const note = document.getElementById('browse-msg');
  const nextButton = document.getElementById('next-page');
  const exportLink = document.getElementById('export');
  let current = null;

  function url(extra) {
    const params = new URLSearchParams();
    for (const element of form.elements) {
      if (!element.name || element.name === 'topic' || !element.value) continue;
      params.set(element.name, element.type === 'datetime-local' ? new Date(element.value).toISOString() : element.value);
    }
    for (const [name, value] of Object.entries(extra)) {
      if (value === null) params.delete(name); else params.set(name, value);
    }
    return `/api/admin/topics/${encodeURIComponent(form.elements.topic.value)}/messages?${params}`;
  }

  async function show(extra) {
    say(note, 'Reading…', 'busy');
    try {
      const page = await api('GET', url(extra));
      list.replaceChildren(...page.items.map(record => render.record(record, showTrace)));
      say(note, page.items.length === 0 ? 'No records match.' : `${page.items.length} records.`, 'ok');
      exportLink.href = url({ ...extra, download: 'true' });
      current = page.next;
      nextButton.hidden = !current;
    } catch (error) {
      say(note, error.message, 'error');
    }
  }

  async function showTrace(eventId, target) {
    try {
      const trace = await api('GET', `/api/admin/traces?eventId=${encodeURIComponent(eventId)}`);
      target.replaceChildren(render.trace(trace));
    } catch (error) {
      target.textContent = error.message;
    }
  }

  form.addEventListener('submit', event => {
    event.preventDefault();
    show({});
  });
  nextButton.addEventListener('click', () => show(form.elements.partition.value
    ? { offset: current.offset, from: null }
    : { cursor: current.cursor, offset: null, from: null }));

  // Live tail.
  const tailForm = document.getElementById('tail');
  const tailList = document.getElementById('tail-records');
  const tailNote = document.getElementById('tail-msg');
  const stop = document.getElementById('tail-stop');
  const MAX_TAIL = 200;
  let source = null;

  function close() {
    if (source) source.close();
    source = null;
    stop.disabled = true;
  }

  tailForm.addEventListener('submit', event => {
    event.preventDefault();
    close();
    const params = new URLSearchParams();
    if (tailForm.elements.topic.value) params.set('topic', tailForm.elements.topic.value);
    if (tailForm.elements.deadLetters.checked) params.set('deadLetters', 'true');
    source = new EventSource(`/api/admin/messages/tail?${params}`);
    stop.disabled = false;
    source.onopen = () => say(tailNote, 'Following: new records appear at the top.', 'ok');
    source.onerror = () => say(tailNote, 'The stream was interrupted; reconnecting…', 'error');
    source.addEventListener('record', message => {
      tailList.prepend(Object.assign(document.createElement('li'), { className: 'tail-item' }));
      tailList.firstChild.append(render.record(JSON.parse(message.data), showTrace));
      while (tailList.children.length > MAX_TAIL) tailList.lastChild.remove();
    });
  });
  stop.addEventListener('click', () => {
    close();
    say(tailNote, 'Stopped.', '');
  });
})();
