// A real OpenID Connect provider for the tests — NOT for any other use.
//
// node-oidc-provider (a certified implementation) with one confidential
// client and a login page of its own, on which anybody can log in as any
// user name, with no password. The page also lets a test choose what the
// provider then says about the person: the e-mail address, whether it was
// verified, and the assurance level (acr) of the login. Consent is given
// without asking: the case room is the only client.
//
//   OIDC_PORT            port to listen on, on 127.0.0.1
//   OIDC_ISSUER          issuer URL, default http://localhost:$OIDC_PORT
//   OIDC_CLIENT_ID       the one client
//   OIDC_CLIENT_SECRET   its secret
//   OIDC_REDIRECT_URI    its redirect URI (<public url>/api/auth/sso/callback)
//   OIDC_ANY_PORT=1      accept the redirect URI on any port of its host: the
//                        API tests start one server per test on a free port
//
// scripts/test and scripts/e2e start it; it prints "listening" when ready.

import http from 'node:http';
import { randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

const required = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`provider.mjs: ${name} is not set`);
    process.exit(2);
  }
  return value;
};

const port = Number(required('OIDC_PORT'));
const issuer = process.env.OIDC_ISSUER ?? `http://localhost:${port}`;
const ACR_VALUES = ['low', 'substantial', 'high'];

// What each user name said about itself at its last login.
const accounts = new Map();

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: required('OIDC_CLIENT_ID'),
      client_secret: required('OIDC_CLIENT_SECRET'),
      redirect_uris: [required('OIDC_REDIRECT_URI')],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  // Like a confidential client at Keycloak with PKCE switched on.
  pkce: { required: () => true },
  // acr with openid: Keycloak puts the level of every login into its ID
  // token; oidc-provider only when the client asks for one (acr_values),
  // which the case room does not, so as not to turn away lower levels.
  claims: {
    openid: ['sub', 'acr'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
  },
  acrValues: ACR_VALUES,
  // Keycloak puts these claims into the ID token, which is all the case
  // room reads; oidc-provider would keep them for the userinfo endpoint.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  async findAccount(ctx, id) {
    const account = accounts.get(id);
    return account && { accountId: id, claims: async () => ({ sub: id, ...account }) };
  },
});

if (process.env.OIDC_ANY_PORT === '1') {
  // What RFC 8252 allows native apps on loopback addresses, here for the
  // test servers: the registered URI with any port.
  const registered = new URL(required('OIDC_REDIRECT_URI'));
  const allowed = provider.Client.prototype.redirectUriAllowed;
  provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(value) {
    if (allowed.call(this, value)) return true;
    try {
      const url = new URL(value);
      url.port = registered.port;
      return url.href === registered.href;
    } catch {
      return false;
    }
  };
}

const escape = (text) =>
  String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid) {
  const options = ACR_VALUES.map(
    (acr) => `<option${acr === 'substantial' ? ' selected' : ''}>${acr}</option>`,
  ).join('');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Test provider: log in</title></head>
<body>
<main>
<h1>Test provider</h1>
<p>Any user name logs in; nothing is checked. For tests only.</p>
<form method="post" action="/interaction/${escape(uid)}/login">
  <p><label for="username">User name</label>
     <input id="username" name="username" required autofocus></p>
  <p><label for="email">E-mail address (default: user name @example.org)</label>
     <input id="email" name="email" type="email"></p>
  <p><input id="email_verified" name="email_verified" type="checkbox" checked>
     <label for="email_verified">E-mail address verified</label></p>
  <p><label for="acr">Assurance level</label>
     <select id="acr" name="acr">${options}</select></p>
  <p><button type="submit">Log in</button></p>
</form>
</main>
</body>
</html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

// The login page, its form, and consent given without asking.
async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { uid, prompt, params, session } = details;

  if (req.method === 'POST' && req.url.endsWith('/login')) {
    const form = await readForm(req);
    const username = form.get('username')?.trim();
    if (!username) {
      res.writeHead(400).end('a user name is needed');
      return;
    }
    const acr = ACR_VALUES.includes(form.get('acr')) ? form.get('acr') : undefined;
    accounts.set(username, {
      email: form.get('email')?.trim() || `${username}@example.org`,
      email_verified: form.get('email_verified') === 'on',
      name: username,
      preferred_username: username,
    });
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: username, acr } },
      { mergeWithLastSubmission: false },
    );
    return;
  }

  if (prompt.name === 'login') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(loginPage(uid));
    return;
  }

  // Consent: grant what the client asked for.
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) {
    grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  }
  if (prompt.details.missingOIDCClaims) {
    grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, {
    mergeWithLastSubmission: true,
  });
}

const handle = provider.callback();
const server = http.createServer((req, res) => {
  if (!req.url.startsWith('/interaction/')) {
    handle(req, res);
    return;
  }
  interaction(req, res).catch((err) => {
    console.error('interaction failed:', err);
    if (!res.headersSent) res.writeHead(400);
    res.end(`interaction failed: ${err.message}`);
  });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`test OpenID provider listening on ${issuer}`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
