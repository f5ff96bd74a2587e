import { html, type SafeHtml } from '../../report/html/escape.js';

/**
 * The policy every dashboard page is sent with: its own script and stylesheet only (no inline code
 * or style, so markup that slipped past escaping cannot run), data from its own origin only, no
 * framing.
 */
export const dashboardCsp =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The paths the page script draws a view for; each answers with the same page. */
export const viewPaths = ['/', '/map', '/images', '/images/:digest', '/findings', '/gaps', '/hosts'] as const;

function head(title: string): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${title}</title>
<link rel="stylesheet" href="/assets/dashboard.css">
<script src="/assets/dashboard.js" defer></script>
</head>`;
}

const noScript = html`<noscript><p class="notice">The dashboard is drawn by its script: allow JavaScript for this site.</p></noscript>`;

/** The signed-in page: the navigation, and the view the page script draws from the API. */
export const appPage = html`${head('Shipshape')}
<body data-page="app">
<a class="skip" href="#view">Skip to the content</a>
<header class="bar">
<a class="brand" href="/">Shipshape</a>
<nav aria-label="Dashboard"><a href="/">Overview</a><a href="/map">Map</a><a href="/images">Images</a><a href="/findings">Findings</a><a href="/gaps">Gaps</a><a href="/hosts">Hosts</a></nav>
<button type="button" id="sign-out">Sign out</button>
</header>
<p id="status" class="sr-only" role="status" aria-live="polite"></p>
<main id="view" tabindex="-1">${noScript}<p class="muted">Loading…</p></main>
</body>
</html>
`;

/**
 * The sign-in page: a token field; the script posts it to /api/session, which keeps it in an
 * HttpOnly cookie. The form says `post` so that even without the script the token never lands in
 * an address (history, logs).
 */
export const signinPage = html`${head('Sign in · Shipshape')}
<body data-page="signin">
<main class="signin">
<h1>Shipshape</h1>
<form id="signin-form" method="post" aria-describedby="signin-help">
<label for="token">Token</label>
<input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required>
<button type="submit">Sign in</button>
<p id="signin-help" class="muted small">A read token is enough: <code>shipshape token create</code> prints one.</p>
<p id="signin-error" class="error" role="alert"></p>
</form>
${noScript}
</main>
</body>
</html>
`;
