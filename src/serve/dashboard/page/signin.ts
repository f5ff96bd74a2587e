import { byId } from '../../../report/html/page/dom.js';

/** The sign-in form: the token goes to /api/session, which keeps it in an HttpOnly cookie; then the overview. */
export function wireSignin(): void {
  const form = byId('signin-form', HTMLFormElement);
  const field = byId('token', HTMLInputElement);
  const message = byId('signin-error', HTMLElement);
  if (!form || !field || !message) return;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    message.textContent = '';
    void signIn(field.value.trim()).then(
      (refusal) => {
        if (refusal === undefined) return window.location.assign('/');
        message.textContent = refusal;
        field.focus();
        field.select();
      },
      (error: unknown) => {
        message.textContent = `The server could not be reached: ${error instanceof Error ? error.message : String(error)}`;
      },
    );
  });
  field.focus();
}

/** Undefined when signed in, else why not, in words. */
async function signIn(token: string): Promise<string | undefined> {
  if (token === '') return 'Enter a token.';
  const response = await fetch('/api/session', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (response.ok) return undefined;
  if (response.status === 401) return 'That token is not known, or it was revoked. Check it, or create one with shipshape token create.';
  return `Signing in failed (${response.status} ${response.statusText}).`;
}

/** The sign-out button: the session cookie is cleared, then the sign-in page. */
export function wireSignOut(): void {
  byId('sign-out', HTMLButtonElement)?.addEventListener('click', () => {
    void fetch('/api/session', { method: 'DELETE', credentials: 'same-origin' }).then(
      () => window.location.assign('/signin'),
      (error: unknown) => {
        const status = document.getElementById('status');
        if (status) status.textContent = `Signing out failed: ${error instanceof Error ? error.message : String(error)}`;
      },
    );
  });
}
