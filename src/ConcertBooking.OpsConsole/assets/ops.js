// The operators' console: sign-in, actions through the operator APIs, live refresh of the page's [data-live]
// regions, and trend charts fed by the values those regions carry ([data-point]). Plain ES2020, no framework.
(() => {
  'use strict';
  const message = document.getElementById('ops-msg');

  function say(element, text, kind) {
    if (!element) return;
    element.textContent = text || '';
    element.dataset.kind = kind || '';
  }

  // The session cookie is HttpOnly: scripts never see the token. The header marks a call as the console's own,
  // which is what lets the cookie stand in for the bearer token on /api/admin (another site cannot send it).
  async function api(method, path, body) {
    const headers = { Accept: 'application/json', 'X-Ops-Console': '1' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new Error('The server did not answer; check your connection.');
    }
    const data = (response.headers.get('content-type') || '').includes('json') ? await response.json() : null;
    if (!response.ok) {
      const detail = data && data.errors ? Object.values(data.errors).flat().join(' ') : data && (data.detail || data.title);
      throw new Error(detail || `The server answered ${response.status}.`);
    }
    return data;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(values[name] ?? ''));
  }

  async function act(spec, values, confirmText) {
    const [method, template] = spec.split(' ');
    if (confirmText && !window.confirm(fill(confirmText, values).replace(/%3A/g, ':'))) return;
    const used = new Set([...template.matchAll(/\{(\w+)\}/g)].map(m => m[1]));
    const body = Object.fromEntries(Object.entries(values).filter(([name]) => !used.has(name)));
    say(message, 'Working…', 'busy');
    try {
      await api(method, fill(template, values), Object.keys(body).length ? body : undefined);
      say(message, 'Done: ' + fill(template, values).replace(/%3A/g, ':'), 'ok');
      await refresh();
    } catch (error) {
      say(message, error.message, 'error');
      message.setAttribute('role', 'alert');
    }
  }

  function formValues(form) {
    const values = {};
    for (const element of form.elements) {
      if (!element.name) continue;
      let value = element.value;
      if (element.type === 'datetime-local') {
        if (!value) continue;
        value = new Date(value).toISOString();
      } else if (/^\d+$/.test(value) && element.name !== 'group') {
        value = Number(value);
      }
      values[element.name] = value;
    }
    return values;
  }

  document.addEventListener('click', event => {
    const button = event.target.closest('button[data-action]');
    if (button) act(button.dataset.action, {}, button.dataset.confirm);
  });
  document.addEventListener('submit', event => {
    const form = event.target.closest('form[data-action]');
    if (!form) return;
    event.preventDefault();
    act(form.dataset.action, formValues(form), form.dataset.confirm);
  });

  // Live regions: the page fetches itself and swaps in the new [data-live] regions, so there is one renderer.
  // One refresh at a time: while Kafka is slow to answer, ticks do not pile up requests.
  let refreshing = false;
  async function refresh() {
    const live = document.querySelectorAll('[data-live][id]');
    if (live.length === 0 || refreshing) return;
    refreshing = true;
    try {
      const response = await fetch(location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
      if (response.redirected || response.status === 401 || response.status === 403) {
        location.assign('/ops/signin?returnUrl=' + encodeURIComponent(location.pathname + location.search));
        return;
      }
      if (!response.ok) return;
      const next = new DOMParser().parseFromString(await response.text(), 'text/html');
      for (const region of live) {
        const fresh = next.getElementById(region.id);
        // Not while the operator is typing in the region; a button just pressed is replaced (and its result shown).
        const typing = region.contains(document.activeElement) && document.activeElement.matches('input, select, textarea');
        if (fresh && !typing) region.replaceWith(document.adoptNode(fresh));
      }
      charts.sample();
    } catch {
      // A missed refresh is retried at the next tick.
    } finally {
      refreshing = false;
    }
  }

  // Trend charts (uPlot): one series per [data-point=<chart>] data-series, one point per refresh.
  const charts = (() => {
    const state = new Map();
    const MAX_POINTS = 300;
    const COLOURS = ['#5b21b6', '#0969da', '#1a7f37', '#bf3989', '#9a6700', '#cf222e'];

    function sample() {
      if (!window.uPlot) return;
      const now = Date.now() / 1000;
      for (const element of document.querySelectorAll('[data-chart]')) {
        const name = element.dataset.chart;
        let chart = state.get(name);
        if (!chart) state.set(name, chart = { element, times: [], series: new Map(), plot: null });
        const points = document.querySelectorAll(`[data-point="${name}"]`);
        chart.times.push(now);
        for (const point of points) {
          const key = point.dataset.series;
          if (!chart.series.has(key)) chart.series.set(key, chart.times.slice(0, -1).map(() => null));
        }
        const seen = new Set();
        for (const point of points) {
          if (seen.has(point.dataset.series)) continue;
          seen.add(point.dataset.series);
          chart.series.get(point.dataset.series).push(Number(point.dataset.value));
        }
        for (const [key, values] of chart.series) if (!seen.has(key)) values.push(null);
        if (chart.times.length > MAX_POINTS) {
          chart.times.shift();
          for (const values of chart.series.values()) values.shift();
        }
        draw(chart);
      }
    }

    function draw(chart) {
      const data = [chart.times, ...chart.series.values()];
      if (chart.plot && chart.plot.series.length === data.length) {
        chart.plot.setData(data);
        return;
      }
      if (chart.plot) chart.plot.destroy();
      const names = [...chart.series.keys()];
      chart.plot = new window.uPlot({
        width: Math.max(280, chart.element.clientWidth),
        height: 220,
        series: [{}, ...names.map((label, i) => ({ label, stroke: COLOURS[i % COLOURS.length], width: 2 }))],
        axes: [{}, { size: 60 }],
        scales: { y: { range: (_, min, max) => [0, Math.max(5, max * 1.1)] } },
      }, data, chart.element);
    }

    return { sample };
  })();

  const period = Number(document.body.dataset.refresh || 0);
  if (period > 0) {
    window.addEventListener('load', () => charts.sample());
    setInterval(refresh, period);
  }

  // Sign-in: the API's own token endpoint, then the session cookie.
  const signin = document.getElementById('ops-signin');
  if (signin) {
    signin.addEventListener('submit', async event => {
      event.preventDefault();
      const note = document.getElementById('signin-msg');
      const email = signin.elements.email.value.trim();
      const name = signin.elements.name.value.trim() || email.split('@')[0];
      try {
        const token = await api('POST', '/api/auth/token', { email, name });
        if (!token.roles.includes('admin')) {
          say(note, `${email} is not an admin: the console is for operators only.`, 'error');
          return;
        }
        await api('POST', '/ops/session', { accessToken: token.accessToken });
        const back = new URLSearchParams(location.search).get('returnUrl') || '/ops';
        location.assign(back.startsWith('/ops') ? back : '/ops');
      } catch (error) {
        say(note, error.message, 'error');
      }
    });
  }

  // For the page scripts (messages.js, dead-letters.js).
  window.ops = { api, say };

  const signout = document.getElementById('ops-signout');
  if (signout) {
    signout.addEventListener('click', async () => {
      await fetch('/ops/session/end', { method: 'POST', credentials: 'same-origin' });
      location.assign('/ops/signin');
    });
  }
})();
