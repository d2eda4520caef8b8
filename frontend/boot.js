// Starts the wasm app. Kept in its own file so the page needs no inline
// script under the server's Content-Security-Policy.
import init from '/frontend.js';

init();
