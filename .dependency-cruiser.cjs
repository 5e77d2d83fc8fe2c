// The layering the code keeps, checked by `npm run lint` (dependency-cruiser). From the bottom up:
//   engine core (formats, parse, model, stats, schema, sql, simulate, text, config, …) — plain data and functions;
//   rule-kit — the rule contract and what rules share;
//   rules, adapters, migrations — the rules and the readers of other tools' formats, independent of each other;
//   catalogue — every rule; workspace — files checked together, simulations loaded; assist — editor answers;
//   faces — cli, server, extension, report, webview — over the engine, never under it.
/** @type {import('dependency-cruiser').IConfiguration} */
const CORE =
  '^src/engine/(finding|limits|values|fix|suppression|templates|readiness)\\.ts$|^src/engine/(text|config|formats|parse|model|stats|schema|sql|simulate|calibrate)/';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Modules import each other in a circle.', from: {}, to: { circular: true } },
    {
      name: 'engine-knows-no-face',
      severity: 'error',
      comment: 'The engine knows nothing of the CLI, the language server, the extension, the reports or VS Code.',
      from: { path: '^src/engine/' },
      to: { path: ['^src/(cli|server|extension|report|shared|node)/', '^webview/', '^vscode$', 'node_modules/@types/vscode/'] },
    },
    {
      name: 'core-below-rules',
      severity: 'error',
      comment: 'The engine core is below the rule contract, the rules, the catalogue and the workspace.',
      from: { path: CORE },
      to: { path: '^src/engine/(rule-kit|rules|adapters|migrations|catalogue|workspace|assist)/' },
    },
    {
      name: 'rule-kit-below-rules',
      severity: 'error',
      comment: 'The rule contract and its helpers are what rules import; they import no rule.',
      from: { path: '^src/engine/rule-kit/' },
      to: { path: '^src/engine/(rules|adapters|migrations|catalogue|workspace|assist)/' },
    },
    {
      name: 'rules-not-adapters-or-migrations',
      severity: 'error',
      comment: "Stagegate's own rules do not import other tools' readers or the migration rules: the catalogue lists all three.",
      from: { path: '^src/engine/rules/' },
      to: { path: '^src/engine/(adapters|migrations|catalogue|workspace|assist)/' },
    },
    {
      name: 'adapters-not-rules-or-migrations',
      severity: 'error',
      comment: "Adapters translate other tools' formats; they do not import Stagegate's rules or the migration rules.",
      from: { path: '^src/engine/adapters/' },
      to: { path: '^src/engine/(rules|migrations|catalogue|workspace|assist)/' },
    },
    {
      name: 'migrations-not-rules-or-adapters',
      severity: 'error',
      comment: 'Migration rules read the SQL model only.',
      from: { path: '^src/engine/migrations/' },
      to: { path: '^src/engine/(rules|adapters|catalogue|workspace|assist)/' },
    },
    {
      name: 'catalogue-below-workspace',
      severity: 'error',
      from: { path: '^src/engine/catalogue/' },
      to: { path: '^src/engine/(workspace|assist)/' },
    },
    {
      name: 'assist-reads-models',
      severity: 'error',
      comment: 'Hover, completion and outline read the models and statistics, not the rules.',
      from: { path: '^src/engine/assist/' },
      to: { path: '^src/engine/(rules|adapters|migrations|catalogue|workspace)/' },
    },
    {
      name: 'extension-is-a-client',
      severity: 'error',
      comment: 'The VS Code extension asks the language server; it does not run the checker, the rules or the simulator.',
      from: { path: '^src/extension/' },
      to: {
        path: [
          '^src/engine/(workspace|catalogue|rules|adapters|migrations|sql|parse|schema|assist)/',
          '^src/engine/simulate/(?!result)',
          '^src/(server|cli)/',
        ],
      },
    },
    {
      name: 'faces-are-separate',
      severity: 'error',
      comment: 'The language server and the CLI do not import the extension; the server does not import the CLI.',
      from: { path: '^src/(server|cli)/' },
      to: { path: ['^src/extension/', '^vscode$', 'node_modules/@types/vscode/'] },
    },
    { name: 'server-not-cli', severity: 'error', from: { path: '^src/server/' }, to: { path: '^src/cli/' } },
    {
      name: 'reports-below-webview',
      severity: 'error',
      comment: 'The reports are drawn by the webview code; they do not import it.',
      from: { path: '^src/report/' },
      to: { path: '^webview/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
