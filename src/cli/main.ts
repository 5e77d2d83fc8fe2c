// The `stagegate` command: `check` for CI, `simulate` for blast-radius previews, `trace` to apply migrations to a
// throwaway PostgreSQL and observe them, `calibrate` to read traffic and baselines from a metrics server, and
// `backtest` to replay that recorded history through a plan's gates. A thin face over the engine.

import { runCheck } from './check-command';
import { processIo, UsageError, type Io } from './io';

const USAGE = `Usage:
  stagegate check [paths...] [--format stylish|json|sarif] [--max-warnings N] [--today YYYY-MM-DD]
                  [--config FILE] [--fix] [--readiness] [--metrics [--prometheus URL] [--timeout 30s]]
                  [--verbose]
  stagegate simulate <plan> [--scenario NAME] [--seed N] [--runs N] [--all-scenarios]
                  [--format text|json|html] [--out FILE] [--force] [--start ISO-TIME]
  stagegate trace <files or folders...> [--database URL [--allow]] [--format text|json] [--max-warnings N]
                  [--config FILE]
  stagegate calibrate <plan|rollout|canary> [--prometheus URL | --history FILE] [--last 7d | --from T --to T]
                  [--window 30m] [--timeout 30s] [--save-history FILE] [--write] [--format text|json]
  stagegate backtest <plan> [--prometheus URL | --history FILE] [--last 14d | --from T --to T] [--every 1h]
                  [--window 30m] [--incident FROM/TO ...] [--seed N] [--timeout 30s] [--save-history FILE]
                  [--format text|json|html] [--out FILE]
  stagegate lsp --stdio | --node-ipc | --socket=PORT

check exits 0 with no errors, 1 with errors (or warnings above --max-warnings), 2 for a usage or I/O problem.
check never contacts a server unless asked: --metrics asks the metrics server of each plan with metrics queries whether its
request and error series carry the version label, a label per flag and per breakdown dimension (readiness items 1 and 4;
a missing label is a warning); it exits 2 when the server cannot answer.
simulate exits 0 when the simulation ran (never 1: check is the gate), 2 for a usage or I/O problem, a plan it cannot replay
or a plan with schema errors (--force simulates what could be read of it, and says so).
trace applies the up migrations in order to an embedded PostgreSQL in memory (or, with --database, to a server, in one
transaction rolled back at the end; a database holding user tables is refused unless --allow) and reports each statement's
locks, rewrites and time; it exits 0 when every statement ran, 1 when one failed (or warnings above --max-warnings), 2 for
a usage or connection problem.
calibrate exits 0 when it calibrated, 2 for a usage or I/O problem or when the metrics server fails (unreachable, an
error, a query with no data) or a --history file cannot serve the run: the message names the query. --save-history
FILE saves every response the run used; --history FILE reads them back instead of a server (docs/metrics.md).
backtest replays the recorded requests, errors, p95 latency and KPIs through the plan's gates, a rollout starting every
--every, and reports the false-rollback rate over all starts and per gate, and the incidents it finds in the history (or
that --incident gives) with whether a canary carrying each is caught; it exits 0 when it ran, 2 as calibrate does.
lsp runs the language server (for editors: see docs/editors.md) until its client closes the connection.`;

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(USAGE + '\n');
    return 0;
  }
  try {
    switch (command) {
      case 'check':
        return await runCheck(rest, io);
      case 'simulate':
        return await commands().runSimulate(rest, io);
      case 'trace':
        return await runTraceCommand(rest, io);
      case 'calibrate':
        return await commands().runCalibrate(rest, io);
      case 'backtest':
        return await commands().runBacktest(rest, io);
      case 'lsp':
        return await runLanguageServer(rest);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout(USAGE + '\n');
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}".`);
    }
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr(`stagegate: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    io.stderr(`stagegate: internal error: ${(error as Error).stack ?? String(error)}\n`);
    return 2;
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/**
 * simulate, calibrate and backtest. Required when run, not imported: the CLI bundle keeps them (the simulator, the
 * reports, the metrics client) in a sibling file, so that `check`, which a pre-commit hook runs on every commit, does
 * not load them.
 */
function commands(): typeof import('./commands') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./commands') as typeof import('./commands');
}

/** Traces migrations; the trace command, PGlite and node-postgres load only for this command. */
function runTraceCommand(argv: string[], io: Io): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./trace-command') as typeof import('./trace-command')).runTrace(argv, io);
}

/** Serves LSP until the client disconnects; the server module loads only for this command. */
function runLanguageServer(argv: string[]): Promise<number> {
  if (!argv.some((arg) => arg === '--stdio' || arg === '--node-ipc' || arg.startsWith('--socket=') || arg.startsWith('--pipe='))) {
    throw new UsageError('lsp needs a transport: --stdio, --node-ipc or --socket=PORT.');
  }
  // Loaded here, not at the top: the server and its protocol library are not needed by check and simulate.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('../server/listen') as typeof import('../server/listen')).listen();
  // The connection ends the process when the client exits; until then, the command does not return.
  return new Promise<number>(() => undefined);
}
