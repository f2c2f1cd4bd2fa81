// The waiting room: joins on arrival (a second join keeps the same place), then asks for the fan's place as often
// as the server's Retry-After says, and sends the fan to the seat map once admitted.
(() => {
  'use strict';
  const { t, call, api, say, attempt, session, duration } = CB;
  const root = document.querySelector('.waiting-room[data-queue-opens]');
  if (!root || !root.dataset.queueOpens || !session()) return;
  const concertId = Number(root.dataset.concertId);
  const $ = id => document.getElementById(id);
  const message = $('queue-msg');
  const number = n => Number(n).toLocaleString('en-US');
  const FIRST_AHEAD = `concertbooking.queue.${concertId}.firstAhead`;
  let pending = null;
  let left = false;
  let sawWaiting = false;

  function minutes(seconds) {
    return seconds < 60 ? t('queue.etaSoon') : t('queue.etaMinutes', number(Math.ceil(seconds / 60)));
  }

  function waiting(ticket) {
    if (ticket.position == null) {
      $('queue-position').textContent = t('queue.drawPending');
      $('queue-ahead').textContent = '—';
      $('queue-eta').textContent = duration(Date.parse(ticket.bookingOpensAt) - Date.now());
      say($('queue-status'), t('queue.prequeue', CB.when(ticket.bookingOpensAt)));
      return;
    }
    // Progress counts from the first place this tab saw, so it only moves forward.
    const first = Math.max(Number(sessionStorage.getItem(FIRST_AHEAD) ?? ticket.ahead), ticket.ahead);
    sessionStorage.setItem(FIRST_AHEAD, String(first));
    $('queue-position').textContent = t('queue.nth', number(ticket.position));
    $('queue-ahead').textContent = t('queue.people', number(ticket.ahead));
    $('queue-eta').textContent = minutes(ticket.estimatedWaitSeconds ?? 0);
    $('queue-progress').value = Math.round(100 * (first - ticket.ahead) / (first + 1));
    say($('queue-status'), t('queue.waiting'));
  }

  function show(ticket) {
    root.dataset.queueStatus = ticket.status;
    $('queue-leave').hidden = ticket.status !== 'WAITING';
    $('queue-go').hidden = ticket.status !== 'ADMITTED';
    if (ticket.status === 'WAITING') { sawWaiting = true; waiting(ticket); return; }
    $('queue-progress').value = ticket.status === 'ADMITTED' ? 100 : 0;
    $('queue-position').textContent = t('queue.state.' + ticket.status);
    $('queue-ahead').textContent = '—';
    $('queue-eta').textContent = '—';
    const until = ticket.admittedUntil ? CB.when(ticket.admittedUntil) : '';
    say($('queue-status'), t('queue.explain.' + ticket.status, until), ticket.status === 'ADMITTED' ? 'ok' : 'info');
    // A fan who waited here is taken to the seats the moment the turn comes, as on every Korean ticketing site.
    if (ticket.status === 'ADMITTED') { if (sawWaiting) location.assign($('queue-go').href); else $('queue-go').focus(); }
  }

  async function poll() {
    if (left) return;
    let delay = 2;
    try {
      const { data, headers } = await call('GET', `/api/concerts/${concertId}/queue/me`);
      show(data);
      if (data.status !== 'WAITING') return;
      delay = Number(headers.get('Retry-After')) || delay;
    } catch (error) {
      say(message, error.message, 'error');
      if (error.status === 404 || error.status === 401) return;
    }
    pending = setTimeout(poll, delay * 1000);
  }

  async function join() {
    const opens = Date.parse(root.dataset.queueOpens);
    if (opens > Date.now()) {
      // Before the waiting room opens there is nothing to join; count down and join at the second it opens.
      const tick = () => {
        const ms = opens - Date.now();
        say($('queue-status'), t('queue.opensIn', CB.when(root.dataset.queueOpens), duration(ms)));
        if (ms <= 0) { clearInterval(clock); join(); }
      };
      const clock = setInterval(tick, 1000);
      tick();
      return;
    }
    const joined = await attempt(message, () => api('POST', `/api/concerts/${concertId}/queue`));
    if (joined) { show(joined); pending = setTimeout(poll, 1000); }
  }

  $('queue-leave').addEventListener('click', async () => {
    const done = await attempt(message, async () => { await api('DELETE', `/api/concerts/${concertId}/queue/me`); return true; });
    if (!done) return;
    left = true;
    clearTimeout(pending);
    sessionStorage.removeItem(FIRST_AHEAD);
    $('queue-leave').hidden = true;
    say($('queue-status'), t('queue.left'), 'info');
  });

  join();
})();
