// Reads a CODEOWNERS file so fixes can suggest an owner: the last matching pattern wins, as on GitHub.

export interface CodeOwners {
  ownerOf(relativePath: string): string | undefined;
}

export const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];

export function parseCodeOwners(text: string): CodeOwners {
  const entries: { pattern: RegExp; owner: string }[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const [pattern, owner] = line.split(/\s+/);
    if (pattern && owner) entries.push({ pattern: globToRegExp(pattern), owner: owner.replace(/^@/, '') });
  }
  return {
    ownerOf(relativePath) {
      const path = relativePath.split('\\').join('/').replace(/^\/+/, '');
      for (let i = entries.length - 1; i >= 0; i--) if (entries[i].pattern.test(path)) return entries[i].owner;
      return undefined;
    },
  };
}

/** gitignore-style patterns: `/` anchors to the root, a trailing `/` matches a folder's contents, `*` stays in one segment. */
function globToRegExp(pattern: string): RegExp {
  const anchored = pattern.startsWith('/') || pattern.slice(0, -1).includes('/');
  let body = pattern.replace(/^\//, '');
  const folder = body.endsWith('/');
  if (folder) body = body.slice(0, -1);
  const source = body
    .split('')
    .map((c, i, all) => {
      if (c === '*') {
        if (all[i + 1] === '*') return '';
        return all[i - 1] === '*' ? '.*' : '[^/]*';
      }
      if (c === '?') return '[^/]';
      return /[.+^${}()|[\]\\]/.test(c) ? `\\${c}` : c;
    })
    .join('');
  return new RegExp(`${anchored ? '^' : '(^|/)'}${source}(/.*)?$`);
}
