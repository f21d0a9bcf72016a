import { describe, expect, it } from 'vitest';
import type { Interaction } from '../../src/recording/format.js';
import { Scrubber } from '../../src/recording/scrub.js';
import { signToken } from '../support/tokens.js';

/*
 * The recording scrubber: what goes into a committed fixture must hold no token, password or
 * cookie. Secrets are recognised here by patterns of this test's own (not the scrubber's
 * TOKEN_SHAPE: a scan that borrows the pattern of the code it checks shares its bugs).
 */

/** Every secret-looking piece of a recording, by patterns written for this test. */
function leaks(value: unknown): string[] {
  const text = JSON.stringify(value);
  const found: string[] = [];
  // itsdangerous values: payload.timestamp.signature, base64url parts (API-NOTES "Authentication").
  for (const m of text.matchAll(/[\w-]{6,}\.[\w-]{3,}\.[\w-]{10,}/g)) found.push(`token ${m[0]}`);
  for (const m of text.matchAll(/session=(?!<TOKEN-\d+>)[^;"\s]+/gi)) found.push(`cookie ${m[0]}`);
  return found;
}

const ISSUED = 1_794_128_400; // 2026-11-08T09:00:00Z
const OWNER_TOKEN = signToken(9, ISSUED, 'server-secret');
const OTHER_TOKEN = signToken(10, ISSUED + 60, 'server-secret');

function exchange(overrides: Partial<Interaction> & { rawHeaders?: Record<string, string> }): Interaction {
  return {
    scope: 'http://127.0.0.1:9',
    method: 'GET',
    path: '/api/users/me',
    status: 200,
    response: { id: 9 },
    ...overrides,
  };
}

describe('Scrubber: cookies', () => {
  it('replaces the value of any cookie key in a request or answer body, whatever it looks like', () => {
    const scrubber = new Scrubber();
    const out = scrubber.interaction(
      exchange({
        method: 'POST',
        path: '/api/session',
        body: { Cookie: 'session=plain-opaque-value', nested: [{ set_cookie: 'remember=abc' }] },
        response: { 'Set-Cookie': 'session=another-opaque-value; HttpOnly', name: 'kept' },
      }),
    );
    expect(out.body).toEqual({ Cookie: '<PASSWORD>', nested: [{ set_cookie: '<PASSWORD>' }] });
    expect(out.response).toEqual({ 'Set-Cookie': '<PASSWORD>', name: 'kept' });
    expect(leaks(out)).toEqual([]);
  });

  it('a list under a cookie key is a list of secrets: each replaced, and wherever the server echoes one', () => {
    const scrubber = new Scrubber();
    const out = scrubber.interaction(
      exchange({
        method: 'POST',
        path: '/api/session',
        body: { cookies: ['session=plain-opaque-value', 'remember=other-opaque-value'] },
        response: 'you sent remember=other-opaque-value',
      }),
    );
    expect(out.body).toEqual({ cookies: ['<PASSWORD>', '<PASSWORD>'] });
    expect(out.response).toBe('you sent <PASSWORD>');
  });
});

describe('Scrubber: passwords', () => {
  it('replaces password and secret values at any depth, keeps everything else', () => {
    const scrubber = new Scrubber();
    const out = scrubber.interaction(
      exchange({
        method: 'post',
        path: '/api/login',
        body: { username: 'owner@example.org', password: 'Owner-pass-2024' },
        status: 422,
        response: { detail: [{ loc: ['body', 'passwd'], msg: 'field required' }], client_secret: 's3cr3t', count: 3 },
      }),
    );
    expect(out).toEqual({
      scope: 'http://127.0.0.1:9',
      method: 'POST',
      path: '/api/login',
      body: { username: 'owner@example.org', password: '<PASSWORD>' },
      status: 422,
      response: { detail: [{ loc: ['body', 'passwd'], msg: 'field required' }], client_secret: '<PASSWORD>', count: 3 },
      rawHeaders: {},
    });
  });

  it('keeps nulls, numbers and flags of a body as they are', () => {
    const out = new Scrubber().interaction(
      exchange({ response: { orcid: null, objcount: 18422, mail_status: false, managers: [null] } }),
    );
    expect(out.response).toEqual({ orcid: null, objcount: 18422, mail_status: false, managers: [null] });
  });

  it('leaves a non-text value under a secret-sounding key as it is (nothing to hide in a flag)', () => {
    const out = new Scrubber().interaction(exchange({ response: { password_set: true, mail_status: false } }));
    expect(out.response).toEqual({ password_set: true, mail_status: false });
  });

  it('a request without a password (null, a flag under a secret-sounding key) hides nothing else', () => {
    const out = new Scrubber().interaction(
      exchange({
        method: 'PUT',
        path: '/api/users/9?notify=false',
        body: { id: 9, password: null, cookie_consent: false, name: 'Owner' },
        response: { note: 'password: null, cookie_consent "false"', ok: 'null' },
      }),
    );
    expect(out).toMatchObject({
      path: '/api/users/9?notify=false',
      body: { id: 9, password: null, cookie_consent: false, name: 'Owner' },
      response: { note: 'password: null, cookie_consent "false"', ok: 'null' },
    });
  });
});

describe('Scrubber: secrets the tool sent, wherever the server echoes them', () => {
  // With a quote: JSON text holds it escaped (Owner\"pass-2024).
  const PASSWORD = 'Owner"pass-2024';

  it('a failed login whose answer repeats the password (FastAPI puts it in "input")', () => {
    const scrubber = new Scrubber();
    const out = scrubber.interaction(
      exchange({
        method: 'POST',
        path: '/api/login',
        body: { username: 'owner@example.org', password: PASSWORD },
        status: 422,
        response: {
          detail: [
            {
              type: 'value_error',
              loc: ['body', 'password'],
              msg: `Value error, '${PASSWORD}' is not the password`,
              input: PASSWORD,
              ctx: { [PASSWORD]: [`was ${PASSWORD}`] },
            },
          ],
          raw: JSON.stringify({ given: `p${PASSWORD}` }),
        },
      }),
    );
    expect(out.response).toEqual({
      detail: [
        {
          type: 'value_error',
          loc: ['body', 'password'],
          msg: "Value error, '<PASSWORD>' is not the password",
          input: '<PASSWORD>',
          ctx: { '<PASSWORD>': ['was <PASSWORD>'] },
        },
      ],
      raw: JSON.stringify({ given: 'p<PASSWORD>' }),
    });
    expect(JSON.stringify(out)).not.toContain('pass-2024');
  });

  it('an answer that echoes a secret sent later in the session, in text, a header and a path', () => {
    const scrubber = new Scrubber();
    const login = exchange({ method: 'POST', path: '/api/login', body: { password: PASSWORD }, status: 403 });
    const before = exchange({
      path: `/api/echo?p=${PASSWORD}`,
      response: `plain text: you sent ${PASSWORD}`,
      rawHeaders: { Location: `/api/x?p=${PASSWORD}` },
    });
    // What --record does: every request's secrets are known before any exchange is scrubbed.
    scrubber.learn(before);
    scrubber.learn(login);
    const out = scrubber.interaction(before);
    expect(out).toMatchObject({
      path: '/api/echo?p=<PASSWORD>',
      response: 'plain text: you sent <PASSWORD>',
      rawHeaders: { location: '/api/x?p=<PASSWORD>' },
    });
  });

  it('a token or password the tool noted (ECOTAXA_TOKEN of any shape, a short password) is removed too', () => {
    const scrubber = new Scrubber();
    scrubber.noteSecret('opaque-env-token');
    scrubber.noteSecret('pw1');
    const out = scrubber.interaction(
      exchange({
        status: 401,
        response: { detail: 'token opaque-env-token rejected', input: 'pw1', msg: "bad 'pw1'", note: 'pw1x kept' },
      }),
    );
    expect(out.response).toEqual({
      detail: 'token <PASSWORD> rejected',
      input: '<PASSWORD>',
      msg: "bad '<PASSWORD>'",
      // A short secret is replaced only whole or quoted: elsewhere it may be any word.
      note: 'pw1x kept',
    });
  });

  it('a secret that contains another is replaced whole, whichever was noted first', () => {
    for (const order of [
      ['Owner-pass', 'Owner-pass-2024'],
      ['Owner-pass-2024', 'Owner-pass'],
    ]) {
      const scrubber = new Scrubber();
      for (const secret of order) scrubber.noteSecret(secret);
      const out = scrubber.interaction(exchange({ status: 422, response: 'you sent Owner-pass-2024, not Owner-pass' }));
      expect(out.response).toBe('you sent <PASSWORD>, not <PASSWORD>');
    }
  });

  it('a token the tool uses and notes (ECOTAXA_TOKEN, any shape) is removed JSON-escaped too', () => {
    const scrubber = new Scrubber();
    const token = 'opaque"env-token-7Yq2';
    expect(scrubber.placeholderFor(token)).toBe('<TOKEN-1>');
    scrubber.noteSecret(token);
    const out = scrubber.interaction(
      exchange({ status: 401, response: `${JSON.stringify({ given: token })} and ${token}` }),
    );
    expect(out.response).toBe('{"given":"<PASSWORD>"} and <TOKEN-1>');
  });
});

describe('Scrubber: tokens', () => {
  it('a login answer is the token: replaced by a numbered placeholder that remembers its expiry', () => {
    const scrubber = new Scrubber();
    const out = scrubber.interaction(
      exchange({ method: 'POST', path: '/api/login', body: { password: 'pw' }, response: OWNER_TOKEN }),
    );
    expect(out.response).toBe('<TOKEN-1>');
    expect(scrubber.scrubbedTokens()).toEqual([
      {
        placeholder: '<TOKEN-1>',
        userId: 9,
        issuedAt: '2026-11-08T09:00:00.000Z',
        expiresAt: '2026-12-09T09:00:00.000Z',
      },
    ]);
  });

  it('a known token is replaced wherever it appears later, even one that does not look like a token', () => {
    const scrubber = new Scrubber();
    const opaque = 'opaque-session-7Yq2'; // an OpenID session cookie need not have the usual shape
    const login = scrubber.interaction(
      exchange({ method: 'POST', path: '/api/login?next=x', response: opaque, status: 200 }),
    );
    const later = scrubber.interaction(
      exchange({
        path: `/api/check?t=${opaque}`,
        response: { note: `your token is ${opaque}`, tokens: [opaque] },
        rawHeaders: { Location: `/api/again?t=${opaque}` },
      }),
    );
    expect(login.response).toBe('<TOKEN-1>');
    expect(later).toMatchObject({
      path: '/api/check?t=<TOKEN-1>',
      response: { note: 'your token is <TOKEN-1>', tokens: ['<TOKEN-1>'] },
      rawHeaders: { location: '/api/again?t=<TOKEN-1>' },
    });
    expect(JSON.stringify([login, later])).not.toContain(opaque);
    expect(scrubber.scrubbedTokens()).toEqual([
      { placeholder: '<TOKEN-1>', userId: null, issuedAt: '', expiresAt: '' },
    ]);
  });

  it('a token registered before it shows up (the session in use) gets the first number', () => {
    const scrubber = new Scrubber();
    expect(scrubber.placeholderFor(OTHER_TOKEN)).toBe('<TOKEN-1>');
    const out = scrubber.interaction(exchange({ response: { a: OWNER_TOKEN, b: OTHER_TOKEN, c: OWNER_TOKEN } }));
    expect(out.response).toEqual({ a: '<TOKEN-2>', b: '<TOKEN-1>', c: '<TOKEN-2>' });
    expect(scrubber.placeholderFor(OWNER_TOKEN)).toBe('<TOKEN-2>');
    expect(scrubber.scrubbedTokens().map((t) => [t.placeholder, t.userId])).toEqual([
      ['<TOKEN-1>', 10],
      ['<TOKEN-2>', 9],
    ]);
  });

  it('an unknown token-shaped value inside any text is replaced, a compressed one with its leading dot', () => {
    const compressed = `.eJyrVipNLUrMUbJSMjQwMDAyNTE2Vqo1AACc6Qg8.${OWNER_TOKEN.split('.')[1]}.${OWNER_TOKEN.split('.')[2]}`;
    const out = new Scrubber().interaction(
      exchange({
        response: [`session=${OWNER_TOKEN}; Path=/`, { deep: { deeper: `x ${compressed} y` } }],
      }),
    );
    expect(out.response).toEqual(['session=<TOKEN-1>; Path=/', { deep: { deeper: 'x <TOKEN-2> y' } }]);
    expect(leaks(out)).toEqual([]);
  });

  it('the same session scrubs to the same text twice (placeholders follow first appearance)', () => {
    const session = (): Interaction[] => [
      exchange({ response: { t: OTHER_TOKEN } }),
      exchange({ path: '/api/projects/1', response: { t: OWNER_TOKEN, u: OTHER_TOKEN } }),
    ];
    const first = new Scrubber();
    const second = new Scrubber();
    expect(session().map((i) => first.interaction(i))).toEqual(session().map((i) => second.interaction(i)));
    expect(first.scrubbedTokens().map((t) => t.placeholder)).toEqual(['<TOKEN-1>', '<TOKEN-2>']);
  });

  it('a login answer that is not a text (not EcoTaxa) is scrubbed as any other body', () => {
    const scrubber = new Scrubber();
    const out = scrubber.interaction(
      exchange({ method: 'POST', path: '/api/login', response: { token: OWNER_TOKEN, user: 9 } }),
    );
    expect(out.response).toEqual({ token: '<TOKEN-1>', user: 9 });
  });

  it('a failed login keeps its answer (no token in it)', () => {
    const out = new Scrubber().interaction(
      exchange({ method: 'POST', path: '/api/login', status: 403, response: "You can't do this." }),
    );
    expect(out.response).toBe("You can't do this.");
  });

  it('only POST /login answers are taken as tokens: another text answer is kept', () => {
    const scrubber = new Scrubber();
    expect(scrubber.interaction(exchange({ method: 'POST', path: '/api/login/help', response: 'ok' })).response).toBe(
      'ok',
    );
    expect(scrubber.interaction(exchange({ method: 'GET', path: '/api/login', response: 'ok' })).response).toBe('ok');
    expect(scrubber.scrubbedTokens()).toEqual([]);
  });
});

describe('Scrubber: response headers', () => {
  it('keeps only stable headers, lower-cased and sorted, with any token in them replaced', () => {
    const scrubber = new Scrubber();
    const out = scrubber.interaction(
      exchange({
        status: 401,
        rawHeaders: {
          'WWW-Authenticate': `Basic realm="EcoTaxa", token="${OWNER_TOKEN}"`,
          Location: `https://ecotaxa.example.org/api/login?session=${OTHER_TOKEN}`,
          'Content-Type': 'application/json',
          'Retry-After': '2',
          'Set-Cookie': `session=${OWNER_TOKEN}; HttpOnly`,
          Date: 'Sun, 08 Nov 2026 11:00:00 GMT',
          Server: 'uvicorn',
        },
      }),
    );
    expect(out.rawHeaders).toEqual({
      'content-type': 'application/json',
      // Numbered in header-name order: Location's token is met first.
      location: 'https://ecotaxa.example.org/api/login?session=<TOKEN-1>',
      'retry-after': '2',
      'www-authenticate': 'Basic realm="EcoTaxa", token="<TOKEN-2>"',
    });
    expect(Object.keys(out.rawHeaders ?? {})).toEqual(['content-type', 'location', 'retry-after', 'www-authenticate']);
    expect(leaks(out)).toEqual([]);
  });

  it('an exchange without headers or body records none', () => {
    const out = new Scrubber().interaction(exchange({ body: '' }));
    expect(out).toEqual({
      scope: 'http://127.0.0.1:9',
      method: 'GET',
      path: '/api/users/me',
      status: 200,
      response: { id: 9 },
      rawHeaders: {},
    });
    expect('body' in out).toBe(false);
  });
});

describe('the leak patterns of this test', () => {
  it('find what the scrubber must remove', () => {
    expect(leaks({ t: OWNER_TOKEN })).toHaveLength(1);
    expect(leaks({ c: 'session=abc; Path=/' })).toEqual(['cookie session=abc']);
    expect(leaks({ t: 'x <TOKEN-1> y', c: 'session=<TOKEN-2>' })).toEqual([]);
  });
});
