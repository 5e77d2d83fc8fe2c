// Request series of several services generated for Prometheus, each carrying or lacking the version label, the flag's
// label and the region label: what readiness items 1 and 4 are measured against (`check --metrics`, `calibrate` and
// the editor's Calibrate command).

/** The labels each generated service's series carry (besides `service` and `code`). */
const SERVICES: Record<string, { ok: string[]; failed: string[] }> = {
  checkout: { ok: ['version', 'flag_new_checkout', 'region'], failed: ['version', 'flag_new_checkout', 'region'] },
  unversioned: { ok: ['flag_new_checkout', 'region'], failed: ['flag_new_checkout', 'region'] },
  unflagged: { ok: ['version', 'region'], failed: ['version', 'region'] },
  unregioned: { ok: ['version', 'flag_new_checkout'], failed: ['version', 'flag_new_checkout'] },
  // Only the successful requests lack the version: the requests query's series, not the errors query's.
  partial: { ok: ['flag_new_checkout', 'region'], failed: ['version', 'flag_new_checkout', 'region'] },
  renamed: { ok: ['app_version', 'ff_new_checkout', 'region'], failed: ['app_version', 'ff_new_checkout', 'region'] },
};

const VALUES: Record<string, string[]> = {
  version: ['2.3.0', '2.4.0'],
  app_version: ['2.3.0', '2.4.0'],
  flag_new_checkout: ['on', 'off'],
  ff_new_checkout: ['on', 'off'],
  region: ['eu-west', 'us-east'],
};

/** Two hours of counters ending now, every 5 minutes: every combination of the service's label values. */
export function labelledSeries(now: number): string {
  const lines = ['# TYPE http_requests_total counter'];
  const end = Math.floor(now / 60) * 60 - 60;
  for (const [service, { ok, failed }] of Object.entries(SERVICES)) {
    for (const [code, labels] of [
      ['200', ok],
      ['500', failed],
    ] as const) {
      let combinations: string[][] = [[]];
      for (const label of labels)
        combinations = combinations.flatMap((prefix) => VALUES[label].map((value) => [...prefix, `${label}="${value}"`]));
      for (const combination of combinations)
        for (let step = 24; step >= 0; step--) {
          const count = (24 - step) * (code === '200' ? 300 : 3);
          lines.push(
            `http_requests_total{${[`service="${service}"`, `code="${code}"`, ...combination].join(',')}} ${count} ${end - step * 300}`,
          );
        }
    }
  }
  return [...lines, '# EOF', ''].join('\n');
}
