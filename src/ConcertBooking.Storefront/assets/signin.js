// Demo sign-in: the token endpoint creates the fan on first use; the token is kept for this tab only.
(() => {
  'use strict';
  const form = document.getElementById('signin-form');
  if (!form) return;
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const message = document.getElementById('signin-msg');
    const email = form.elements.email.value.trim();
    const name = form.elements.name.value.trim() || email.split('@')[0];
    const token = await CB.attempt(message, () => CB.api('POST', '/api/auth/token', { email, name }));
    if (!token) return;
    CB.signIn({ token: token.accessToken, userId: token.userId, email, name });
    const back = new URLSearchParams(location.search).get('returnUrl') || '/';
    location.assign(back.startsWith('/') && !back.startsWith('//') && !back.startsWith('/\\') ? back : '/');
  });
})();
