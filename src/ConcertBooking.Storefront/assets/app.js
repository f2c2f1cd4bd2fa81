// Shared by every page: texts, formats, the session token, API calls with readable problems, the header,
// live notifications and the points balance. Page scripts use window.CB.
(() => {
  'use strict';
  const T = JSON.parse(document.getElementById('ui-text').textContent);
  const lang = document.documentElement.lang;
  const t = (key, ...args) => (T[key] ?? key).replace(/\{(\d)\}/g, (_, i) => args[i]);
  const number = n => Number(n).toLocaleString('en-US');
  const krw = n => (lang === 'ko' ? number(n) + '원' : '₩' + number(n));
  const pad = n => String(n).padStart(2, '0');
  const KOREAN_DAYS = ['일', '월', '화', '수', '목', '금', '토'];
  const ENGLISH_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  // Concert times are shown in Korea's time (UTC+9, no daylight saving), like the server-rendered ones.
  function when(iso) {
    const d = new Date(Date.parse(iso) + 9 * 3600e3);
    const hm = pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes());
    return lang === 'ko'
      ? `${d.getUTCFullYear()}년 ${d.getUTCMonth() + 1}월 ${d.getUTCDate()}일 (${KOREAN_DAYS[d.getUTCDay()]}) ${hm}`
      : `${ENGLISH_DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${hm} KST`;
  }

  function duration(ms) {
    const s = Math.max(0, Math.ceil(ms / 1000));
    const days = Math.floor(s / 86400);
    const clock = (days > 0 || s >= 3600 ? pad(Math.floor((s % 86400) / 3600)) + ':' : '') + pad(Math.floor((s % 3600) / 60)) + ':' + pad(s % 60);
    return days > 0 ? `${days}${lang === 'ko' ? '일' : 'd'} ${clock}` : clock;
  }

  // The token lives for this tab's session only.
  const SESSION = 'concertbooking.session';
  const session = () => JSON.parse(sessionStorage.getItem(SESSION) || 'null');
  const signIn = s => sessionStorage.setItem(SESSION, JSON.stringify(s));
  const signOut = () => sessionStorage.removeItem(SESSION);

  const newKey = () => {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
  };

  class Problem extends Error {
    constructor(message, status, slug) { super(message); this.status = status; this.slug = slug; }
  }

  function describe(status, problem) {
    const slug = problem && typeof problem.type === 'string' ? problem.type.split('/').pop() : '';
    if (slug === 'validation' && problem.errors) return t('problem.validation', Object.values(problem.errors).flat().join(' '));
    if (T['problem.' + slug]) return t('problem.' + slug);
    if (problem && (problem.detail || problem.title)) return problem.detail || problem.title;
    return t('error.generic', status);
  }

  // The response's data and headers (Retry-After paces the waiting room); api() is the common case.
  async function call(method, path, body, idempotencyKey) {
    const headers = { Accept: 'application/json' };
    const s = session();
    if (s) headers.Authorization = 'Bearer ' + s.token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
    let response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new Problem(t('error.network'), 0, 'network');
    }
    const data = (response.headers.get('content-type') || '').includes('json') ? await response.json() : null;
    if (!response.ok) {
      if (response.status === 401) signOut();
      throw new Problem(describe(response.status, data), response.status, data && data.type ? String(data.type).split('/').pop() : '');
    }
    return { data, headers: response.headers };
  }

  const api = async (method, path, body, idempotencyKey) => (await call(method, path, body, idempotencyKey)).data;

  function say(element, text, kind) {
    if (!element) return;
    element.textContent = text || '';
    element.dataset.kind = kind || '';
  }

  // Runs an action and shows its problem, if any, next to it.
  async function attempt(messageElement, action) {
    say(messageElement, '');
    try {
      return await action();
    } catch (error) {
      say(messageElement, error instanceof Problem ? error.message : t('error.generic', error), 'error');
      return undefined;
    }
  }

  function every(ms, task) {
    let running = false;
    const tick = async () => {
      if (running || document.hidden) return;
      running = true;
      try { await task(); } catch { /* the next tick tries again */ } finally { running = false; }
    };
    tick();
    return setInterval(tick, ms);
  }

  function header() {
    const s = session();
    document.querySelectorAll('[data-when]').forEach(el => { el.hidden = el.dataset.when !== (s ? 'fan' : 'anonymous'); });
    const who = document.getElementById('who');
    if (s) {
      who.textContent = t('signin.as', s.name);
      who.hidden = false;
      document.getElementById('signin-link').hidden = true;
      const out = document.getElementById('signout');
      out.hidden = false;
      out.addEventListener('click', () => { signOut(); location.reload(); });
    }
  }

  function countdowns() {
    const items = [...document.querySelectorAll('[data-countdown]')];
    if (items.length === 0) return;
    const update = () => items.forEach(el => {
      const left = Date.parse(el.dataset.countdown) - Date.now();
      el.textContent = left > 0 ? `(${el.dataset.label} ${duration(left)})` : '';
    });
    update();
    setInterval(update, 1000);
  }

  const seen = new Set();
  function notifications() {
    const list = document.getElementById('notes');
    if (!list || !session()) return;
    every(2000, async () => {
      const items = await api('GET', '/api/me/notifications?limit=20');
      const fresh = items.filter(n => !seen.has(n.id)).reverse();
      if (fresh.length === 0) return;
      list.querySelector('.empty')?.remove();
      const first = seen.size === 0;
      for (const n of fresh) {
        seen.add(n.id);
        const li = document.createElement('li');
        li.className = 'note' + (first ? '' : ' new');
        li.dataset.type = n.type;
        const title = document.createElement('strong');
        title.textContent = t('note.' + n.type);
        const subject = document.createElement('span');
        subject.textContent = n.subject;
        const time = document.createElement('small');
        time.textContent = when(n.createdAt);
        li.append(title, ' ', subject, document.createElement('br'), time);
        list.prepend(li);
      }
    });
  }

  function balance() {
    const shown = document.getElementById('balance');
    const form = document.getElementById('charge-form');
    if (!shown || !session()) return;
    const refresh = async () => { shown.textContent = krw((await api('GET', '/api/me/balance')).balance); };
    refresh().catch(() => {});
    let key = newKey();
    form.addEventListener('input', () => { key = newKey(); });
    form.addEventListener('submit', async event => {
      event.preventDefault();
      const message = document.getElementById('charge-msg');
      const amount = Number(form.elements.amount.value);
      const result = await attempt(message, () => api('POST', '/api/me/balance/charge', { amount }, key));
      if (result) {
        key = newKey();
        shown.textContent = krw(result.balance);
        say(message, t('balance.charged', krw(amount)), 'ok');
      }
    });
    CB.refreshBalance = () => refresh().catch(() => {});
  }

  document.documentElement.classList.add('js');
  const CB = window.CB = { t, krw, when, duration, api, call, say, attempt, every, newKey, session, signIn, Problem };
  header();
  countdowns();
  notifications();
  balance();
})();
