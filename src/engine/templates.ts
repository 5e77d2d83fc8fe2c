// Starting points for new files: the internal → 1% → 10% → 50% → 100% ladder, and a well-formed flag.

import { addDays } from './model/dates';

export function releasePlanTemplate(service: string): string {
  return `# Release plan for ${service}: each stage holds its weight while its gates are evaluated.
apiVersion: stagegate.dev/v1
kind: ReleasePlan
metadata:
  name: ${service}-release
  service: ${service}
  owner: your-team
  version: 1.0.0
strategy: canary

traffic:
  requestsPerSecond: 500          # all traffic, both versions
  requestsPerUser: 20
  dimensions:
    region: { eu-west: 0.5, us-east: 0.5 }

baseline:                         # the current version, healthy
  errorRate: 0.002
  latencyP95Ms: 200
  kpis:
    checkout-success: 0.97

flags: []

stages:
  - name: internal
    cohort: internal
    weight: 100
    duration: 1h
    interval: 30m
    gates:
      - { metric: errorRate, max: 2% }
      - { metric: latencyP95Ms, max: 500 }
  - name: canary-1
    weight: 1
    duration: 2h
    interval: 1h
    breakdown: [region]
    gates:
      - { metric: errorRate, maxIncrease: 100% }
      - { metric: latencyP95Ms, maxIncrease: 25% }
      - { metric: kpi:checkout-success, minRatio: 0.97 }
  - name: canary-10
    weight: 10
    duration: 4h
    interval: 30m
    breakdown: [region]
    gates:
      - { metric: errorRate, maxIncrease: 50% }
      - { metric: latencyP95Ms, maxIncrease: 15% }
      - { metric: kpi:checkout-success, minRatio: 0.99 }
  - name: rollout-50
    weight: 50
    duration: 8h
    interval: 1h
    breakdown: [region]
    gates:
      - { metric: errorRate, maxIncrease: 25% }
      - { metric: latencyP95Ms, maxIncrease: 10% }
      - { metric: kpi:checkout-success, minRatio: 0.995 }
  - name: full
    weight: 100
    duration: 24h
    interval: 2h
    gates:
      - { metric: errorRate, maxIncrease: 25% }

rollback:
  automatic: true
  action: rollback
  delay: 2m
`;
}

/** The fields of a new flag: owned, described, expiring after the release lifetime. */
export function newFlag(owner: string, today: string): Record<string, unknown> {
  return {
    description: 'What this flag hides or protects, and when it can go.',
    owner,
    type: 'release',
    expires: addDays(today, 40),
    default: 'off',
    variants: { on: true, off: false },
  };
}

/** `newFlag` as YAML lines under `flags:` at `indent`. Values are JSON, so "on" and "off" stay text for YAML 1.1 readers too. */
export function flagTemplate(key: string, owner: string, today: string, indent = '  '): string {
  const fields = Object.entries(newFlag(owner, today)).map(([name, value]) => `${indent}  ${name}: ${JSON.stringify(value)}\n`);
  return `${indent}${key}:\n${fields.join('')}`;
}

export function flagSetTemplate(key: string, owner: string, today: string): string {
  return `apiVersion: stagegate.dev/v1
kind: FlagSet
metadata:
  name: flags
flags:
${flagTemplate(key, owner, today)}`;
}
