// What the editor checks before it sends a query to a metrics server. A plan's `metrics.prometheus.url` is content of
// a file, so a workspace could point the editor at any address: in an untrusted workspace no server is contacted, and
// in a trusted one the user allows each new address (scheme, host and port) once. Credentials come from environment
// variables or the editor's secret store only, and are taken out of every message before it is shown. No I/O here.

/** Why calibrate and backtest do not run in an untrusted workspace (shown as is). */
export const UNTRUSTED_WORKSPACE =
  'Stagegate does not contact metrics servers in an untrusted workspace: a plan names the address, and an untrusted plan could name any. Trust the workspace to calibrate or backtest from Prometheus.';

/** What replaces a credential in a message. */
export const REDACTED = '[redacted]';

/**
 * The address a permission is given for: `scheme://host:port`, the port written even when it is the scheme's default
 * (so `http://host` and `http://host:80` are one address, and `https://host` another). Undefined for anything that
 * is not an http:// or https:// URL.
 */
export function serverAddress(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
  return `${parsed.protocol}//${parsed.hostname}:${port}`;
}

/** The user's remembered answer for an address: allowed, refused, or not asked yet. */
export type RememberedAccess = 'allowed' | 'refused' | undefined;

/** What to do before contacting an address. */
export type AccessDecision = 'untrusted' | 'allowed' | 'refused' | 'ask';

export function accessDecision(trusted: boolean, remembered: RememberedAccess): AccessDecision {
  if (!trusted) return 'untrusted';
  return remembered ?? 'ask';
}

/**
 * The headers sent to a server: those stored for its address in the editor's secret store, then the plan's
 * `env:NAME` references read from the environment (a set variable wins). A reference whose variable is not set and
 * that the store does not hold is an error naming the variable, never a value.
 */
export function requestHeaders(
  references: Record<string, string>,
  env: NodeJS.ProcessEnv,
  stored: Record<string, string> = {},
): { headers: Record<string, string> } | { error: string } {
  const headers: Record<string, string> = { ...stored };
  for (const [header, variable] of Object.entries(references)) {
    const value = env[variable];
    if (value !== undefined && value !== '') headers[header] = value;
    else if (!Object.keys(stored).some((name) => name.toLowerCase() === header.toLowerCase()))
      return {
        error: `metrics.prometheus.headers.${header} reads the environment variable ${variable}, which is not set (nor is ${header} stored for this address with "Stagegate: Set Metrics Credentials").`,
      };
  }
  return { headers };
}

/**
 * The text with every secret replaced by REDACTED, as written and in the forms a message may quote it (JSON-escaped,
 * URL-encoded), so a value echoed back by a library or a server never reaches the user's screen or a log.
 */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
    // A header value with surrounding spaces is sent (and quoted back) trimmed.
    if (secret.trim()) forms.add(secret.trim());
  }
  // Longest first, so that a secret containing another is replaced whole.
  for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join(REDACTED);
  return out;
}
