// The commands besides check and trace, gathered so that the CLI bundle can keep them in one sibling file loaded
// only when one of them runs (src/cli/main.ts, scripts/build.mjs).

export { runBacktest } from './backtest-command';
export { runCalibrate } from './calibrate-command';
export { runSimulate } from './simulate-command';
