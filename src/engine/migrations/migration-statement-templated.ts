// migration-statement-templated: statements written with template syntax (Go templates, Jinja and dbt, Flyway
// placeholders) that PostgreSQL cannot parse even with each template replaced (src/engine/sql/templates.ts). They
// are not checked; one finding per file counts them, instead of a syntax error on each.

import type { TemplateSyntax } from '../sql/templates';
import { defineRule } from '../rule-kit/rule';

const SHOWN: Record<TemplateSyntax, string> = { '{{ }}': '{{ … }}', '{% %}': '{% … %}', '{# #}': '{# … #}', '${ }': '${…}' };

export default defineRule({
  meta: {
    id: 'migration-statement-templated',
    family: 'limits',
    defaultSeverity: 'info',
    summary: 'Statements written with template syntax that does not read as SQL even with placeholders are not checked.',
    reads: ['sql-migration'],
    impact: [],
    roles: ['up', 'down', 'verify'],
  },
  check({ migration, parts, lines, report }) {
    // One finding for the file: made with its first migration, counting the statements of every one (dbmate, goose).
    if (migration !== parts[0]) return;
    const statements = parts.flatMap((part) => part.statements);
    const skipped = statements.flatMap((statement) => (statement.problem?.kind === 'templated' ? [statement.problem] : []));
    if (skipped.length === 0) return;
    const syntaxes = [...new Set(skipped.flatMap((problem) => (problem.syntax ? [SHOWN[problem.syntax]] : [])))];
    const many = skipped.length > 1;
    const inBlocks = skipped.filter((problem) => problem.inBlock).length;
    const written = syntaxes.length > 0 ? ` written with template syntax (${syntaxes.join(', ')})` : '';
    const who = !many ? 'It sits' : inBlocks === skipped.length ? 'They sit' : `${inBlocks} of them ${inBlocks === 1 ? 'sits' : 'sit'}`;
    const blocks = inBlocks === 0 ? '' : ` ${who} in a template's conditional block, which may hold another database's branch.`;
    const rest = statements.length - skipped.length;
    report(
      lines.range(skipped[0].at.start, skipped[0].at.end),
      `${skipped.length} statement${many ? 's' : ''}${written} ${many ? 'do' : 'does'} not read as PostgreSQL even with each template replaced by a placeholder, so Stagegate does not check ${many ? 'them' : 'it'} (${many ? 'the first is here; ' : ''}PostgreSQL says: ${skipped[0].message}).${blocks} ${rest === 0 ? 'No statement of this file is checked.' : `The other ${rest} statement${rest === 1 ? ' is' : 's are'} checked.`}`,
    );
  },
});
