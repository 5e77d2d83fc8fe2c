// The editor's checks before a query leaves for a metrics server: which address a permission is for, what trust and
// a remembered answer decide, where credentials come from, and that a credential is taken out of any message.

import * as assert from 'assert';
import { accessDecision, redact, REDACTED, requestHeaders, serverAddress } from '../../../src/node/metrics-access';

describe('metrics access', () => {
  it('keys a permission by scheme, host and port, the default port written', () => {
    assert.strictEqual(serverAddress('http://prometheus:9090/api/prom?x=1#y'), 'http://prometheus:9090');
    assert.strictEqual(serverAddress('http://Prometheus.Example.com/'), 'http://prometheus.example.com:80');
    assert.strictEqual(serverAddress('http://prometheus.example.com:80'), 'http://prometheus.example.com:80');
    assert.strictEqual(serverAddress('https://prometheus.example.com'), 'https://prometheus.example.com:443');
    // Another scheme or port is another address, asked about again.
    assert.notStrictEqual(serverAddress('https://a.example:9090'), serverAddress('http://a.example:9090'));
    assert.notStrictEqual(serverAddress('http://a.example:9091'), serverAddress('http://a.example:9090'));
    // Credentials in the address are not part of the key (the client refuses such an address anyway).
    assert.strictEqual(serverAddress('http://user:pass@a.example:9090'), 'http://a.example:9090');
    assert.strictEqual(serverAddress('file:///etc/passwd'), undefined);
    assert.strictEqual(serverAddress('not a url'), undefined);
  });

  it('contacts nothing in an untrusted workspace, whatever was answered before; asks once in a trusted one', () => {
    assert.strictEqual(accessDecision(false, undefined), 'untrusted');
    assert.strictEqual(accessDecision(false, 'allowed'), 'untrusted');
    assert.strictEqual(accessDecision(true, undefined), 'ask');
    assert.strictEqual(accessDecision(true, 'allowed'), 'allowed');
    assert.strictEqual(accessDecision(true, 'refused'), 'refused');
  });

  it('takes headers from the environment or the secret store, and names a missing variable without a value', () => {
    assert.deepStrictEqual(requestHeaders({ Authorization: 'TOKEN' }, { TOKEN: 'Bearer abc' }), {
      headers: { Authorization: 'Bearer abc' },
    });
    // A set variable wins over the stored value; a stored header the plan does not name is sent too.
    assert.deepStrictEqual(
      requestHeaders({ Authorization: 'TOKEN' }, { TOKEN: 'env' }, { Authorization: 'stored', 'X-Scope-OrgID': 't' }),
      {
        headers: { Authorization: 'env', 'X-Scope-OrgID': 't' },
      },
    );
    assert.deepStrictEqual(requestHeaders({ Authorization: 'TOKEN' }, {}, { authorization: 'stored' }), {
      headers: { authorization: 'stored' },
    });
    const missing = requestHeaders({ Authorization: 'TOKEN' }, { OTHER: 'sekret-value' });
    assert.ok('error' in missing);
    assert.match(missing.error, /TOKEN, which is not set/);
    assert.doesNotMatch(missing.error, /sekret-value/);
  });

  it('removes a credential from a message as written, JSON-escaped and URL-encoded', () => {
    const secret = 'Bearer s3cr3t/"quoted"+value';
    const messages = [
      `Headers.append: "${secret}" is an invalid header value.`,
      JSON.stringify({ error: `token ${secret} rejected` }),
      `https://a.example/?token=${encodeURIComponent(secret)}`,
      `  ${secret.trim()}  `,
    ];
    for (const message of messages) {
      const clean = redact(message, [secret]);
      assert.ok(!clean.includes('s3cr3t'), clean);
      assert.ok(clean.includes(REDACTED), clean);
    }
    // Nothing to remove: the text is unchanged; an empty secret removes nothing.
    assert.strictEqual(redact('no credential here', [secret, '']), 'no credential here');
    // A secret containing another is removed whole.
    assert.strictEqual(redact('abc-123-xyz', ['123', 'abc-123-xyz']), REDACTED);
  });
});
