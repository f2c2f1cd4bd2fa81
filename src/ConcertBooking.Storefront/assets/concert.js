// The concert page: a live seat map (short polling of one shared, cached snapshot), and hold, pay and cancel
// with a countdown to the hold's expiry.
(() => {
  'use strict';
  const { t, krw, api, say, attempt, every, newKey, session } = CB;
  const root = document.querySelector('[data-concert-id]');
  if (!root) return;
  const concertId = Number(root.dataset.concertId);
  const buttons = [...document.querySelectorAll('#map button')];
  const byId = new Map(buttons.map(b => [Number(b.value), b]));
  const $ = id => document.getElementById(id);
  const message = $('book-msg');
  const mine = new Map(); // seat id -> 'm' (held or bought by this fan)
  let states = null;
  let selected = null;
  let holdKey = null;
  let reservation = null;
  let timer = null;
  let busy = false;

  const labelOf = b => b.getAttribute('aria-label').split(' ')[0];
  const sectionOf = b => b.closest('.section');

  function paint(button, code) {
    const label = labelOf(button);
    const words = { h: t('seat.held'), s: t('seat.sold'), m: t('seat.mine') };
    button.className = code;
    button.setAttribute('aria-label', words[code] ? `${label} ${words[code]}` : label);
    if (code === 'a') button.removeAttribute('aria-disabled'); else button.setAttribute('aria-disabled', 'true');
  }

  function apply(snapshot) {
    states = snapshot.states;
    buttons.forEach((button, i) => {
      const code = mine.get(Number(button.value)) ?? states[i] ?? 's';
      if (button.className !== code) paint(button, code);
      if (button === selected && code !== 'a') select(null);
    });
    const badge = document.querySelector('[data-status]');
    badge.textContent = t('status.' + snapshot.status);
    badge.className = 'badge badge-' + snapshot.status.toLowerCase();
    root.dataset.concertStatus = snapshot.status;
    const total = buttons.length.toLocaleString('en-US');
    document.querySelector('[data-available-text]').textContent = t('concert.left', snapshot.available.toLocaleString('en-US'), total);
    const meter = document.querySelector('[data-available-meter]');
    meter.value = snapshot.available;
    meter.setAttribute('aria-label', t('concert.left', snapshot.available, buttons.length));
  }

  let lastBody = '';
  const refresh = async () => {
    const response = await fetch(`/app/concerts/${concertId}/seat-states`, { cache: 'no-cache' });
    const body = await response.text();
    if (response.ok && body !== lastBody) { lastBody = body; apply(JSON.parse(body)); }
    // The map is live from here on: the benchmark reads this mark as "time to interactive".
    if (performance.getEntriesByName('seatmap-live').length === 0) performance.mark('seatmap-live');
  };

  function select(button) {
    if (selected) selected.removeAttribute('aria-pressed');
    selected = button;
    holdKey = button ? newKey() : null;
    if (!button) { $('selection').textContent = t('book.choose'); return; }
    button.setAttribute('aria-pressed', 'true');
    const section = sectionOf(button);
    $('selection').textContent = t('book.chosen', labelOf(button), section.querySelector('h3').firstChild.textContent.trim(), section.querySelector('.price').textContent);
  }

  function show(held) {
    $('hold-box').hidden = held;
    $('held-box').hidden = !held;
  }

  function startTimer() {
    clearInterval(timer);
    const tick = () => {
      const left = Date.parse(reservation.expiresAt) - Date.now();
      $('timer').textContent = CB.duration(left);
      if (left <= 0) expired();
    };
    tick();
    timer = setInterval(tick, 250);
  }

  function release(text) {
    clearInterval(timer);
    const button = byId.get(reservation.seatId);
    mine.delete(reservation.seatId);
    if (button) paint(button, 'a');
    say(message, t(text, button ? labelOf(button) : reservation.seatId), 'info');
    reservation = null;
    show(false);
    select(null);
    lastBody = '';
    refresh();
  }

  const expired = () => release('book.expired');

  function held(r) {
    reservation = r;
    mine.set(r.seatId, 'm');
    const button = byId.get(r.seatId);
    if (button) paint(button, 'm');
    $('held-text').textContent = t('book.held', button ? labelOf(button) : r.seatId);
    $('receipt').hidden = true;
    show(true);
    startTimer();
  }

  $('map').addEventListener('click', event => {
    const button = event.target.closest('button');
    if (!button || reservation) return;
    if (button.getAttribute('aria-disabled') === 'true') return;
    say(message, '');
    select(button === selected ? null : button);
  });

  $('hold').addEventListener('click', async () => {
    if (busy) return;
    if (!selected) { say(message, t('book.choose'), 'error'); return; }
    busy = true;
    const seatId = Number(selected.value);
    const r = await attempt(message, () => api('POST', '/api/reservations', { concertId, seatId }, holdKey));
    busy = false;
    if (r) held(r); else { lastBody = ''; refresh(); }
  });

  let payKey = null;
  $('pay').addEventListener('click', async () => {
    if (busy || !reservation) return;
    busy = true;
    payKey ??= newKey();
    const payment = await attempt(message, () => api('POST', `/api/reservations/${reservation.id}/payment`, { method: 'POINTS' }, payKey));
    busy = false;
    if (!payment) {
      if (reservation && Date.parse(reservation.expiresAt) <= Date.now()) expired();
      return;
    }
    payKey = null;
    clearInterval(timer);
    const label = labelOf(byId.get(reservation.seatId));
    say(message, t('book.paid', label), 'ok');
    const receipt = $('receipt');
    receipt.replaceChildren();
    const title = document.createElement('h3');
    title.textContent = t('book.receipt');
    const line = document.createElement('p');
    line.textContent = t('book.receiptLine', payment.paymentId, payment.reservationId, krw(payment.amount), CB.when(payment.paidAt));
    receipt.append(title, line);
    receipt.hidden = false;
    reservation = null;
    show(false);
    select(null);
    CB.refreshBalance?.();
  });

  $('cancel').addEventListener('click', async () => {
    if (busy || !reservation) return;
    busy = true;
    const id = reservation.id;
    const done = await attempt(message, async () => { await api('DELETE', `/api/reservations/${id}`); return true; });
    busy = false;
    if (done) release('book.cancelled');
  });

  async function waitlist() {
    const state = $('wait-state');
    const join = $('wait-join');
    const leave = $('wait-leave');
    const waitMessage = $('wait-msg');
    const set = on => { state.textContent = t(on ? 'wait.on' : 'wait.off'); join.hidden = on; leave.hidden = !on; };
    set((await api('GET', '/api/me/waitlist')).some(w => w.concertId === concertId));
    join.addEventListener('click', async () => {
      if (await attempt(waitMessage, () => api('POST', `/api/concerts/${concertId}/waitlist`))) set(true);
    });
    leave.addEventListener('click', async () => {
      if (await attempt(waitMessage, async () => { await api('DELETE', `/api/concerts/${concertId}/waitlist`); return true; })) set(false);
    });
  }

  // With a waiting room, only an admitted fan sees the hold button, with the time left in the turn.
  async function gate() {
    if (root.dataset.waitingRoom !== 'true') return;
    const open = ticket => {
      const admitted = ticket?.status === 'ADMITTED' && Date.parse(ticket.admittedUntil) > Date.now();
      $('queue-gate').hidden = admitted;
      $('queue-turn').hidden = !admitted;
      $('selection').hidden = $('hold-box').hidden = !admitted && !reservation;
      if (ticket && !admitted) $('queue-gate-text').textContent = t('queue.explain.' + ticket.status, '');
      return admitted;
    };
    let ticket = null;
    try { ticket = await api('GET', `/api/concerts/${concertId}/queue/me`); } catch { /* not in line yet */ }
    if (!open(ticket)) return;
    const turn = setInterval(() => {
      const ms = Date.parse(ticket.admittedUntil) - Date.now();
      $('queue-left').textContent = CB.duration(ms);
      if (ms <= 0) { clearInterval(turn); open({ status: 'EXPIRED' }); }
    }, 250);
  }

  async function start() {
    if (session()) {
      await gate();
      const reservations = await attempt(message, () => api('GET', '/api/me/reservations'));
      for (const r of (reservations || []).filter(r => r.concertId === concertId)) {
        if (r.status === 'CONFIRMED') mine.set(r.seatId, 'm');
        if (r.status === 'HELD' && Date.parse(r.expiresAt) > Date.now()) held(r);
      }
      waitlist().catch(error => say($('wait-msg'), error.message, 'error'));
    }
    every(1500, refresh);
  }

  start();
})();
