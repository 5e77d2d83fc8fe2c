// How commands talk to the world: output streams and the folder they run in, and the error that means "usage".

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  /** Whether stderr is a terminal: only then is progress drawn on it (never in a CI log or a redirected file). */
  stderrIsTTY?: boolean;
  /** The terminal's width, when stderr is one. */
  stderrColumns?: number;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  stderrIsTTY: process.stderr.isTTY === true,
  stderrColumns: process.stderr.columns,
};

const USAGE_ERROR = Symbol.for('stagegate.usage-error');

/** A problem with how the command was called or with the files it was given: exit code 2 and the usage. */
export class UsageError extends Error {
  readonly [USAGE_ERROR] = true;

  // The commands in sibling bundles (dist/commands.js, dist/trace.js) each hold their own copy of this class: an error
  // thrown by any copy is a usage error to main's catch.
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [USAGE_ERROR]?: boolean })[USAGE_ERROR] === true;
  }
}
