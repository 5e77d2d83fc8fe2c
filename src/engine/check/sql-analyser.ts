// Connects the migration analysis to the workspace: findings for the SQL file, facts for the plans that ship it.

import { analyseMigration } from '../migrations/index';
import type { SqlAnalyser } from './workspace';

export function defaultSqlAnalyser(): SqlAnalyser {
  return {
    async analyse(path, text, config, hasDownMigration) {
      const analysis = await analyseMigration(text, { config, fileName: path, hasDownMigration });
      const breaking = analysis.hazards
        .filter((hazard) => hazard.breaksOldVersion)
        .map((hazard) => ({ range: hazard.range, ruleId: hazard.ruleId, message: hazard.message }));
      return { findings: analysis.findings, facts: { exists: true, breaking, statementCount: analysis.statementCount } };
    },
  };
}
