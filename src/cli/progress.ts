// Progress of long work, on stderr and only when stderr is a terminal: one line drawn over itself and cleared at
// the end. Never in stdout, in a file written with --out, or in a log that is not a terminal (CI).

import type { ReportHooks } from '../engine/simulate';
import type { Io } from './io';

/** At most one redraw in this many milliseconds: enough for a person, and cheap for a slow terminal. */
const REDRAW_MS = 100;
/** Return to the line's start and erase it (ANSI "erase in line"). */
const CLEAR_LINE = '\r\x1b[2K';

export interface Progress {
  /** For buildReport: draws each step's share done and its label. */
  hooks: ReportHooks;
  /** Clears the line, so what follows starts on a clean one. */
  clear(): void;
}

/** A progress line for `what` (`simulating plan.yaml`), or none when stderr is not a terminal. */
export function terminalProgress(io: Io, what: string): Progress | undefined {
  if (!io.stderrIsTTY) return undefined;
  // One column short of the width: a line that fills the terminal exactly wraps on some terminals. A terminal
  // that does not know its size (0 columns, as under some pseudo-terminals) gets the usual 80.
  const width = Math.max(20, (io.stderrColumns || 80) - 1);
  let drawn = false;
  let last = -Infinity;
  return {
    hooks: {
      progress(done, total, label) {
        const now = Date.now();
        if (now - last < REDRAW_MS) return;
        last = now;
        const line = `stagegate: ${what}: ${Math.floor((done / Math.max(1, total)) * 100)}% (${label})`;
        io.stderr(CLEAR_LINE + (line.length > width ? `${line.slice(0, width - 1)}…` : line));
        drawn = true;
      },
    },
    clear() {
      if (drawn) io.stderr(CLEAR_LINE);
      drawn = false;
    },
  };
}
