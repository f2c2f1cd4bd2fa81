// Dead letters: list them (GET /api/admin/dead-letters) with their failure, redrive or discard one, the selected
// ones or all the filter matches (POST /api/admin/dead-letters/redrive|discard), and show the audit of it all.
(() => {
  'use strict';
  const { api, say } = window.ops;
  const { el, when, record } = window.opsRecords;
  const form = document.getElementById('dlt-filter');
  const list = document.getElementById('dead-letters');
  const note = document.getElementById('dlt-msg');
  const auditBody = document.querySelector('#audit tbody');
  const actions = form.dataset.actions === 'true';

  function filter() {
    const values = {};
    for (const name of ['topic', 'group', 'eventType']) if (form.elements[name].value) values[name] = form.elements[name].value;
    return values;
  }

  function failure(letter) {
    const f = letter.failure;
    const facts = el('dl', { className: 'facts failure' });
    const add = (label, value) => { if (value !== null && value !== undefined && value !== '') facts.append(el('div', {}, el('dt', {}, label), el('dd', {}, String(value)))); };
    add('From', `${f.originalTopic} [${f.originalPartition ?? '?'}] @ ${f.originalOffset ?? '?'}`);
    add('Group', f.group);
    add('Attempts', f.attempts);
    add('Failed at', when(f.failedAt));
    add('Exception', f.exception);
    add('Reason', f.reason);
    add('State', letter.state + (letter.stateChangedBy ? ` by ${letter.stateChangedBy} at ${when(letter.stateChangedAt)}` : ''));
    return facts;
  }

  function row(letter) {
    const ref = { topic: letter.topic, partition: letter.partition, offset: letter.offset };
    const parked = letter.state === 'PARKED';
    const tools = el('div', { className: 'actions' });
    if (actions && parked) {
      tools.append(
        el('label', { className: 'check' }, el('input', { type: 'checkbox', className: 'pick', value: JSON.stringify(ref) }), ' select'),
        el('button', { type: 'button', className: 'btn', textContent: 'Redrive', onclick: () => act('redrive', { records: [ref] }) }),
        el('button', { type: 'button', className: 'btn danger', textContent: 'Discard', onclick: () => act('discard', { records: [ref] }, 'Discard this dead letter?') }));
    }
    const item = record(letter, null, el('div', {}, failure(letter), tools));
    item.classList.add('dead-letter', letter.state.toLowerCase());
    return item;
  }

  async function load() {
    const params = new URLSearchParams({ ...filter(), limit: '200' });
    if (form.elements.state.value) params.set('state', form.elements.state.value);
    try {
      const page = await api('GET', `/api/admin/dead-letters?${params}`);
      list.replaceChildren(...page.items.map(row));
      if (page.items.length === 0) list.append(el('p', { className: 'empty' }, 'No dead letters match.'));
    } catch (error) {
      say(note, error.message, 'error');
    }
    try {
      const entries = await api('GET', '/api/admin/audit?limit=50');
      auditBody.replaceChildren(...entries.map(e => el('tr', {},
        el('td', {}, when(e.at)), el('td', {}, e.by), el('td', {}, e.action), el('td', {}, e.target), el('td', {}, e.detail))));
    } catch (error) {
      say(note, error.message, 'error');
    }
  }

  async function act(action, selection, question) {
    if (question && !window.confirm(question)) return;
    say(note, 'Working…', 'busy');
    try {
      const result = await api('POST', `/api/admin/dead-letters/${action}`, selection);
      say(note, action === 'redrive'
        ? `Redriven: ${result.redriven} (${result.published} published, ${result.skipped} skipped).`
        : `Discarded: ${result.discarded}.`, 'ok');
    } catch (error) {
      say(note, error.message, 'error');
    }
    await load();
  }

  document.getElementById('dlt-bulk')?.addEventListener('click', event => {
    const button = event.target.closest('button[data-bulk]');
    if (!button) return;
    const action = button.dataset.bulk;
    if (button.dataset.scope === 'selected') {
      const records = [...list.querySelectorAll('input.pick:checked')].map(box => JSON.parse(box.value));
      if (records.length === 0) {
        say(note, 'Select dead letters first.', 'error');
        return;
      }
      act(action, { records }, `${action === 'redrive' ? 'Redrive' : 'Discard'} ${records.length} dead letters?`);
    } else {
      const chosen = filter();
      const selection = Object.keys(chosen).length ? { filter: chosen } : { all: true };
      act(action, selection, `${action === 'redrive' ? 'Redrive' : 'Discard'} every parked dead letter the filter matches?`);
    }
  });
  form.addEventListener('submit', event => {
    event.preventDefault();
    load();
  });
  load();
})();
