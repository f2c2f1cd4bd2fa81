// How the console shows a record (Messages, Dead letters) and a trace: built with DOM calls and textContent only,
// so nothing in a record can become markup.
(() => {
  'use strict';

  function el(tag, props, ...children) {
    const element = Object.assign(document.createElement(tag), props || {});
    element.append(...children.filter(child => child !== null && child !== undefined));
    return element;
  }

  function when(iso) {
    return iso ? new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '';
  }

  function headers(map) {
    const list = el('dl', { className: 'headers' });
    for (const [name, value] of Object.entries(map || {})) list.append(el('dt', {}, name), el('dd', {}, value ?? '(null)'));
    return list;
  }

  function record(r, showTrace, extra) {
    const eventType = r.eventType ?? r.headers?.eventType;
    const eventId = r.eventId ?? r.headers?.eventId;
    const title = el('p', { className: 'record-title' },
      el('strong', {}, `${r.topic} [${r.partition}] @ ${r.offset}`), ` · ${when(r.timestamp)}`,
      r.key ? el('span', {}, ' · key ', el('code', {}, r.key)) : null,
      eventType ? el('span', {}, ' · ', el('span', { className: 'tag' }, eventType)) : null,
      eventId ? el('span', { className: 'small' }, ` · ${eventId}`) : null);
    const article = el('article', { className: 'record' }, title);
    if (extra) article.append(extra);
    const trace = el('div', { className: 'trace' });
    if (eventId && showTrace) {
      article.append(el('button', { type: 'button', className: 'btn small-btn', textContent: 'Show trace', onclick: () => showTrace(eventId, trace) }));
    }
    article.append(
      el('details', {}, el('summary', {}, 'Headers and value'), headers(r.headers), el('pre', { className: 'value' }, r.value ?? '(null)')),
      trace);
    return article;
  }

  function trace(t) {
    const spans = [...t.spans].sort((a, b) => a.start.localeCompare(b.start));
    const byId = new Map(spans.map(s => [s.spanId, s]));
    const depth = s => {
      let d = 0;
      for (let p = byId.get(s.parentSpanId); p && d < 20; p = byId.get(p.parentSpanId)) d++;
      return d;
    };
    const start = spans.length ? Date.parse(spans[0].start) : 0;
    const list = el('ol', { className: 'spans', ariaLabel: `Trace ${t.traceId}` });
    for (const s of spans) {
      const group = s.attributes?.['messaging.consumer.group.name'];
      list.append(el('li', { style: `--depth:${depth(s)}` },
        el('strong', {}, s.name), ` ${s.durationMs.toFixed(1)} ms, +${(Date.parse(s.start) - start).toFixed(0)} ms`,
        group ? el('span', { className: 'tag' }, group) : null,
        s.status === 'Error' ? el('span', { className: 'state bad' }, 'error') : null));
    }
    return el('div', {}, el('p', { className: 'small' }, `Trace ${t.traceId}`), list);
  }

  window.opsRecords = { el, when, record, trace };
})();
