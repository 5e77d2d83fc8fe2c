// What counts as an owner, `flags.defaultOwner` read from `.stagegate.yaml` and matched by glob, and CODEOWNERS
// found per repository.
import * as assert from 'assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultOwnerOf } from '../../src/engine/config/flag-owners';
import { parseConfig } from '../../src/engine/config/load';
import { isPlaceholderOwner } from '../../src/engine/model/owner';
import { CodeOwnersIndex } from '../../src/node/files';
import { at, checkFiles, lines, only } from './helpers';

describe('owners', () => {
  it('placeholders name nobody, in any case, with -owner, with @, blank; real names are owners', () => {
    for (const placeholder of ['TODO', 'todo', 'TBD', 'unknown', 'None', '', '   ', 'TODO-owner', 'todo_owner', '@tbd', 'your-team'])
      assert.ok(isPlaceholderOwner(placeholder), placeholder);
    for (const owner of ['team-payments', '@acme/web', 'todoist-team', 'nonesuch', 'alice@example.com'])
      assert.ok(!isPlaceholderOwner(owner), owner);
  });

  it('flags.defaultOwner: globs relative to the configuration, the last match wins, a folder covers its files', () => {
    const { config, problems } = parseConfig(
      lines(
        'flags:',
        '  defaultOwner:',
        '    "**/*.flagd.json": "@acme/platform"',
        '    "./flags/payments/**": "@acme/payments"',
        '    services/search/: "@acme/search"',
      ),
      '2026-11-26',
    );
    assert.deepStrictEqual(problems, []);
    const defaults = { ...config.flagOwners!, root: '/repo' };
    assert.strictEqual(defaultOwnerOf(defaults, '/repo/flags/payments/a.flagd.json'), '@acme/payments');
    assert.strictEqual(defaultOwnerOf(defaults, '/repo/services/search/deep/b.flags.yaml'), '@acme/search');
    assert.strictEqual(defaultOwnerOf(defaults, '/repo/web/c.flagd.json'), '@acme/platform');
    assert.strictEqual(defaultOwnerOf(defaults, '/repo/web/c.flags.yaml'), undefined);
    assert.strictEqual(defaultOwnerOf(defaults, '/elsewhere/c.flagd.json'), undefined, 'outside the configuration folder');
    const single = parseConfig('flags: { defaultOwner: team-a }\n').config.flagOwners;
    assert.strictEqual(defaultOwnerOf(single, 'any/where.flags.yaml'), 'team-a');
  });

  it('flags.defaultOwner: wrong shapes and placeholders are reported, and do nothing', () => {
    assert.deepStrictEqual(parseConfig('flags: [a]\n').problems, [
      'flags must be a mapping, such as flags: { defaultOwner: { "flags/**": "@acme/team" } }.',
    ]);
    assert.deepStrictEqual(parseConfig('flags: { defaultOwner: 3 }\n').problems, [
      'flags.defaultOwner must be an owner, or a mapping of globs to owners.',
    ]);
    const { config, problems } = parseConfig('flags: { defaultOwner: { "a/**": 3, "b/**": TBD } }\ndefaultOwner: TODO\n');
    assert.deepStrictEqual(problems, [
      'defaultOwner: "TODO" is a placeholder, not an owner; it is not used.',
      'flags.defaultOwner["a/**"] must be an owner written as text; the entry does nothing.',
      'flags.defaultOwner["b/**"]: "TBD" is a placeholder, not an owner; the entry does nothing.',
    ]);
    assert.strictEqual(config.flagOwners, undefined);
    assert.strictEqual(config.defaultOwner, undefined);
  });

  it("flag-missing-owner: a placeholder in a flagd flag's own metadata, with a safe fix from flags.defaultOwner", async () => {
    const config = parseConfig('flags: { defaultOwner: { "web/**": "@acme/web" } }\n', '2026-11-26').config;
    const findings = await checkFiles(
      {
        'web/a.flagd.json':
          '{"flags": {"a": {"state": "ENABLED", "variants": {"on": true}, "metadata": {"owner": "TBD", "type": "permission"}}, "b": {"state": "ENABLED", "variants": {"on": true}, "metadata": {"type": "permission"}}}}\n',
      },
      config,
    );
    const owner = only(findings['web/a.flagd.json'], 'flag-missing-owner');
    assert.deepStrictEqual(owner.map(at), ['flag-missing-owner@0:85-0:90'], 'b has the default owner; a names a placeholder');
    assert.deepStrictEqual(owner[0].fixes?.[0], {
      title: 'Set metadata.owner to @acme/web (from flags.defaultOwner)',
      edits: [{ range: owner[0].range, newText: '"@acme/web"' }],
      safe: true,
      preferred: true,
    });
  });

  it("CODEOWNERS: each file reads its own repository, a worktree's .git file counts, and the workspace root is the fallback", async () => {
    const top = mkdtempSync(path.join(os.tmpdir(), 'stagegate-codeowners-'));
    const write = (relative: string, text: string) => {
      mkdirSync(path.dirname(path.join(top, relative)), { recursive: true });
      writeFileSync(path.join(top, relative), text);
    };
    write('CODEOWNERS', '* @acme/workspace\n');
    write('shop/.git/HEAD', 'ref: refs/heads/main\n');
    write('shop/docs/CODEOWNERS', '* @acme/shop\n');
    write('shop/.github/CODEOWNERS', '* @acme/shop-github\n');
    write('worktree/.git', 'gitdir: /elsewhere\n');
    write('worktree/CODEOWNERS', '/flags/ @acme/worktree\n');
    write('bare/.git/HEAD', 'ref: refs/heads/main\n');
    const index = new CodeOwnersIndex(top);
    const files = [
      'shop/a/b/x.flags.yaml',
      'worktree/flags/y.flags.yaml',
      'worktree/other/z.flags.yaml',
      'bare/w.flags.yaml',
      'loose/v.flags.yaml',
    ].map((relative) => path.join(top, relative));
    assert.strictEqual(await index.prepare(files), true);
    assert.deepStrictEqual(
      files.map((file) => index.ownerOf(file)),
      // .github/ before the root and docs/, as on GitHub; a repository's CODEOWNERS without a match names nobody;
      // a repository without CODEOWNERS, and a folder in none, use the workspace root's.
      ['acme/shop-github', 'acme/worktree', undefined, 'acme/workspace', 'acme/workspace'],
    );
    assert.strictEqual(await index.prepare(files), false, 'nothing new to read');
  });
});
