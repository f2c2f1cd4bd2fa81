// My page: reservations with readable seat labels, waiting lists (leave from here), notifications and points.
(() => {
  'use strict';
  const { t, krw, api, attempt, every, session } = CB;
  const table = document.querySelector('#reservations tbody');
  if (!table || !session()) return;
  const $ = id => document.getElementById(id);

  const cell = (text, href) => {
    const td = document.createElement('td');
    if (href) {
      const a = document.createElement('a');
      a.href = href;
      a.textContent = text;
      td.append(a);
    } else {
      td.textContent = text;
    }
    return td;
  };

  let lastReservations = '';
  async function reservations() {
    const list = await api('GET', '/api/me/reservations');
    const key = JSON.stringify(list.map(r => [r.id, r.status]));
    if (key === lastReservations) return;
    lastReservations = key;
    const ids = [...new Set(list.slice(0, 200).map(r => r.seatId))];
    const labels = new Map(ids.length ? (await api('GET', '/app/seat-labels?ids=' + ids.join(','))).map(l => [l.seatId, l]) : []);
    table.replaceChildren(...list.map(r => {
      const seat = labels.get(r.seatId);
      const tr = document.createElement('tr');
      tr.dataset.status = r.status;
      tr.append(
        cell(seat ? seat.concertName : '#' + r.concertId, '/concerts/' + r.concertId),
        cell(seat ? seat.label : '#' + r.seatId),
        cell(krw(r.amount)),
        cell(t('res.' + r.status)));
      return tr;
    }));
    $('res-empty').hidden = list.length > 0;
  }

  async function waitlists() {
    const entries = await api('GET', '/api/me/waitlist');
    $('waitlists').replaceChildren(...entries.map(w => {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = '/concerts/' + w.concertId;
      a.textContent = w.concertName;
      const leave = document.createElement('button');
      leave.type = 'button';
      leave.className = 'btn small';
      leave.textContent = t('wait.leave');
      leave.setAttribute('aria-label', `${t('wait.leave')}: ${w.concertName}`);
      leave.addEventListener('click', async () => {
        if (await attempt($('wait-msg'), async () => { await api('DELETE', `/api/concerts/${w.concertId}/waitlist`); return true; })) waitlists();
      });
      li.append(a, ' ', leave);
      return li;
    }));
    $('waits-empty').hidden = entries.length > 0;
  }

  every(3000, reservations);
  waitlists().catch(error => CB.say($('wait-msg'), error.message, 'error'));
})();
