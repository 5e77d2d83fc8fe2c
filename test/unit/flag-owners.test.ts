// What counts as an owner, and CODEOWNERS found per repository.
import * as assert from 'assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isPlaceholderOwner } from '../../src/engine/model/owner';
import { CodeOwnersIndex } from '../../src/node/files';

describe('owners', () => {
  it('placeholders name nobody, in any case, with -owner, with @, blank; real names are owners', () => {
    for (const placeholder of ['TODO', 'todo', 'TBD', 'unknown', 'None', '', '   ', 'TODO-owner', 'todo_owner', '@tbd', 'your-team'])
      assert.ok(isPlaceholderOwner(placeholder), placeholder);
    for (const owner of ['team-payments', '@acme/web', 'todoist-team', 'nonesuch', 'alice@example.com'])
      assert.ok(!isPlaceholderOwner(owner), owner);
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
