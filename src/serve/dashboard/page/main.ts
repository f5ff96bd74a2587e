/**
 * The dashboard's page script, bundled into /assets/dashboard.js (the build writes it into dist/;
 * running from source it is bundled on first request). It draws the views from the server's JSON
 * API — every value through the escaping `html` template — and the map as the HTML report does.
 * It loads nothing but that API, from its own origin.
 */
import { startRouter } from './router.js';
import { wireSignin, wireSignOut } from './signin.js';

if (document.body.getAttribute('data-page') === 'signin') wireSignin();
else {
  wireSignOut();
  startRouter();
}
