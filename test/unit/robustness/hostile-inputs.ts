// Hostile inputs, generated rather than committed: each is megabytes, or one line repeated thousands of times.
// Small hand-written ones live in test/fixtures/hostile/.

const FLAG_SET_HEAD = 'apiVersion: stagegate.dev/v1\nkind: FlagSet\nmetadata:\n  name: hostile\n  owner: team-hostile\nflags:\n';
const PLAN_HEAD = [
  'apiVersion: stagegate.dev/v1',
  'kind: ReleasePlan',
  'metadata: { name: hostile, service: checkout, owner: team-hostile }',
  'traffic: { requestsPerSecond: 1200 }',
  'baseline: { errorRate: 0.002, latencyP95Ms: 180 }',
  'stages:',
  '',
].join('\n');

/** "Billion laughs": `levels` anchors, each a list of `fanout` aliases to the previous one (fanout^levels strings). */
export function aliasBomb(levels = 9, fanout = 9): string {
  const names = Array.from({ length: levels + 1 }, (_, i) => `l${i}`);
  const lines = [`${names[0]}: &${names[0]} [${Array(fanout).fill('"lol"').join(', ')}]`];
  for (let i = 1; i <= levels; i++)
    lines.push(
      `${names[i]}: &${names[i]} [${Array(fanout)
        .fill(`*${names[i - 1]}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n${FLAG_SET_HEAD}  bomb:\n    description: *${names[levels]}\n`;
}

export function nestedFlowSequences(depth: number): string {
  return `${FLAG_SET_HEAD}  deep:\n    variants: { on: ${'['.repeat(depth)}1${']'.repeat(depth)} }\n`;
}

export function nestedFlowMappings(depth: number): string {
  return `${FLAG_SET_HEAD}  deep:\n    variants: { on: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)} }\n`;
}

/** Compact block sequences, `- - - x`: 10,000 levels on one line. */
export function nestedBlockSequences(depth: number): string {
  return `${FLAG_SET_HEAD}  deep:\n    variants:\n      on:\n${'- '.repeat(depth)}x\n`;
}

/** One more space of indentation per level: n levels take about n²/2 bytes. */
export function nestedBlockMappings(depth: number): string {
  return Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
}

/** Nesting the pre-parse estimate cannot see: a quote inside a plain scalar looks to it like an open string. */
export function nestingBehindAStrayQuote(depth: number): string {
  return `${FLAG_SET_HEAD}  deep:\n    description: say "hi\n    variants: { on: ${'['.repeat(depth)}1${']'.repeat(depth)} }\n`;
}

/** `? ? ? x`: collections as keys of collections. The yaml package stringifies such keys while building values. */
export function nestedExplicitKeys(depth: number): string {
  return `${FLAG_SET_HEAD}  deep:\n${'? '.repeat(depth)}x\n`;
}

/** A valid flag set padded past `bytes` with long descriptions. */
export function largeFlagSet(bytes: number): string {
  const flag = (i: number) =>
    `  flag-${i}:\n    description: ${'Generated for a size test. '.repeat(30)}\n    type: permission\n    default: false\n`;
  const parts = [FLAG_SET_HEAD];
  let size = FLAG_SET_HEAD.length;
  for (let i = 0; size <= bytes; i++) {
    const part = flag(i);
    parts.push(part);
    size += part.length;
  }
  return parts.join('');
}

/** A valid migration padded past `bytes` with small statements. */
export function largeMigration(bytes: number): string {
  const statement = 'ALTER TABLE orders ADD COLUMN note_%d text;\n';
  const count = Math.ceil(bytes / statement.length) + 1;
  return "SET lock_timeout = '2s';\n" + Array.from({ length: count }, (_, i) => statement.replace('%d', String(i))).join('');
}

/** Deterministic bytes (a linear congruential generator), with a PNG header: what an image renamed to `.yaml` holds. */
export function binaryBytes(length: number, seed = 7): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
  return bytes;
}

export function planWithStages(count: number): string {
  const stages = Array.from(
    { length: count },
    (_, i) => `  - { name: step-${i}, weight: ${Math.min(100, 1 + Math.floor(i / 1000))}, duration: 1h }\n`,
  );
  return PLAN_HEAD + stages.join('');
}

/** One line per flag, so 100,000 flags fit in about 4 MB, under the file size limit. */
export function flagSetWithFlags(count: number): string {
  return FLAG_SET_HEAD + Array.from({ length: count }, (_, i) => `  flag-${i}: { type: kill-switch, default: false }\n`).join('');
}

/** `count` flags, each a prerequisite of the one before: a chain, or, with `closed`, one long cycle. */
export function flagDependencyRing(count: number, closed: boolean): string {
  const next = (i: number) => (closed ? (i + 1) % count : i + 1);
  const flags = Array.from(
    { length: count },
    (_, i) => `  flag-${i}: { type: kill-switch, default: false, description: d, dependsOn: [flag-${next(i)}] }\n`,
  );
  return FLAG_SET_HEAD + flags.join('') + (closed ? '' : `  flag-${count}: { type: kill-switch, default: false, description: d }\n`);
}

/** A YAML error on every line: a file garbled by a bad merge or a binary paste. */
export function syntaxErrorOnEveryLine(lines: number): string {
  return FLAG_SET_HEAD + '  a: b: c\n'.repeat(lines);
}

/** One INSERT of about `bytes` bytes. */
export function hugeStatement(bytes: number): string {
  const row = "(1, 'row'),";
  return `INSERT INTO orders (id, note) VALUES ${row.repeat(Math.ceil(bytes / row.length))}(0, 'last');\n`;
}
