// Writes calibrated values into a plan's text, touching nothing else: each value replaces the text of the one it
// updates, or is inserted after the last entry of its mapping at that mapping's indentation; comments, blank lines,
// quoting and the order of what is already there stay as they were, byte for byte. YAML and JSON plans alike (the
// `yaml` package parses both and gives each node's place in the text).

import { isMap, isScalar, parseAllDocuments, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Calibration } from './fit';

type Value = number | string | number[] | { [key: string]: Value };
type Path = string[];

/** First words of the comment a calibration writes above `traffic:`; a later calibration replaces that line. */
export const CALIBRATED_COMMENT = '# Calibrated by stagegate calibrate';

/** What the comment of the last calibration says, read back from a file's text (for the editor's CodeLens). */
export interface WrittenStamp extends CalibrationStamp {
  /** The history's ends (ISO) and the window length (`30m`). */
  from: string;
  to: string;
  window: string;
  /** Offset of the comment in the text. */
  offset: number;
}

const STAMP = new RegExp(`${CALIBRATED_COMMENT} at (\\S+) from (.+?), history (\\S+) to (\\S+) in (\\S+) windows`);

/** The comment a calibration wrote into the text, or undefined when there is none. */
export function readCalibrationStamp(text: string): WrittenStamp | undefined {
  const match = STAMP.exec(text);
  if (!match) return undefined;
  const [, at, server, from, to, window] = match;
  return { at, server, from, to, window, offset: match.index };
}

export interface CalibrationStamp {
  /** When the calibration ran (ISO). */
  at: string;
  /** The server, as it may be shown: credentials and query strings are removed by the caller. */
  server: string;
}

/** The plan fields the calibration sets, in the agreed names, as paths and values. */
export function calibrationAssignments(calibration: Calibration): [Path, Value][] {
  const out: [Path, Value][] = [];
  out.push([['traffic', 'requestsPerSecond'], calibration.traffic.requestsPerSecond]);
  if (calibration.traffic.profile) out.push([['traffic', 'profile', 'hourOfWeek'], calibration.traffic.profile.hourOfWeek]);
  // Share by share, so that a dimension written in a flow mapping or with comments keeps its layout.
  for (const [dimension, shares] of Object.entries(calibration.traffic.dimensions))
    for (const [value, share] of Object.entries(shares)) out.push([['traffic', 'dimensions', dimension, value], share]);
  const { baseline, dispersion } = calibration;
  if (baseline.errorRate !== undefined) out.push([['baseline', 'errorRate'], baseline.errorRate]);
  if (baseline.latencyP95Ms !== undefined) out.push([['baseline', 'latencyP95Ms'], baseline.latencyP95Ms]);
  for (const [name, value] of Object.entries(baseline.kpis)) out.push([['baseline', 'kpis', name], value]);
  for (const [name, value] of Object.entries(baseline.gauges)) out.push([['baseline', 'gauges', name], value]);
  for (const [signal, value] of Object.entries(dispersion)) {
    const [kind, name] = signal.includes(':')
      ? [signal.slice(0, signal.indexOf(':')), signal.slice(signal.indexOf(':') + 1)]
      : [signal, ''];
    if (kind === 'kpi') out.push([['baseline', 'dispersion', 'kpis', name], value]);
    else if (kind === 'gauge') out.push([['baseline', 'dispersion', 'gauges', name], value]);
    else out.push([['baseline', 'dispersion', kind], value]);
  }
  return out;
}

/**
 * The plan's text with the calibration written in, and (YAML only: JSON has no comments) a comment above `traffic:`
 * saying when, from which window and from which server. Throws an Error saying why when the text cannot take it.
 */
export function writeCalibration(
  text: string,
  json: boolean,
  calibration: Calibration,
  stamp: CalibrationStamp,
  /** Where `traffic:` and `baseline:` go: the plan's top level, or `['simulation']` in `.stagegate.yaml`. */
  under: Path = [],
): string {
  let out = text;
  // A dimension whose recorded values differ from the written ones is replaced whole: stale shares would not sum to 1.
  for (const [dimension, shares] of Object.entries(calibration.traffic.dimensions)) {
    const written = keysAt(out, [...under, 'traffic', 'dimensions', dimension]);
    if (written && written.some((value) => !(value in shares)))
      out = setValue(out, json, [...under, 'traffic', 'dimensions', dimension], shares);
  }
  for (const [path, value] of calibrationAssignments(calibration)) out = setValue(out, json, [...under, ...path], value);
  if (!json) out = stampComment(out, calibration, stamp, under);
  return out;
}

/**
 * The `.stagegate.yaml` of an Argo Rollout or a Flagger Canary with the calibration written under `simulation:`;
 * `configText` undefined or blank when there is no such file yet (it is then created with the values alone).
 */
export function writeResourceCalibration(configText: string | undefined, calibration: Calibration, stamp: CalibrationStamp): string {
  const text = configText?.trim()
    ? configText
    : `simulation:\n  traffic:\n    requestsPerSecond: ${calibration.traffic.requestsPerSecond}\n`;
  return writeCalibration(text, false, calibration, stamp, ['simulation']);
}

function parseOne(text: string): Document.Parsed {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents) || documents.length !== 1)
    throw new Error('the file holds several documents: calibrate writes into a file holding the plan alone.');
  const [document] = documents;
  if (document.errors.length > 0) throw new Error(`the file does not parse (${document.errors[0].message.split('\n')[0]}).`);
  if (!isMap(document.contents)) throw new Error('the plan is not a mapping.');
  return document;
}

/** Sets one value, replacing what is there or inserting the missing part of its path. */
export function setValue(text: string, json: boolean, path: Path, value: Value): string {
  const document = parseOne(text);
  let map = document.contents as YAMLMap;
  for (let depth = 0; depth < path.length; depth++) {
    const pair = map.items.find((item) => keyText(item) === path[depth]) as Pair<Node, Node | null> | undefined;
    const last = depth === path.length - 1;
    if (!pair) return insertEntry(text, json, map, path[depth], nest(path.slice(depth + 1), value));
    const node = pair.value;
    if (last || !isMap(node)) {
      if (!node?.range) throw new Error(`${path.slice(0, depth + 1).join('.')} has no value to replace.`);
      if (!last && !isScalar(node)) throw new Error(`${path.slice(0, depth + 1).join('.')} is not a mapping.`);
      const [start, end] = node.range;
      // Continuation lines of a long list go two columns in from the line the value starts on, as when inserted.
      const lineIndent = /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', start - 1) + 1))![0].length;
      return text.slice(0, start) + inline(last ? value : nest(path.slice(depth + 1), value), json, lineIndent + 2) + text.slice(end);
    }
    map = node;
  }
  return text;
}

/** The keys of the mapping at `path`, or undefined when there is none. */
function keysAt(text: string, path: Path): string[] | undefined {
  let node: unknown = parseOne(text).contents;
  for (const key of path) {
    if (!isMap(node)) return undefined;
    node = (node.items.find((item) => keyText(item) === key) as Pair | undefined)?.value;
  }
  return isMap(node) ? node.items.map(keyText).filter((key): key is string => key !== undefined) : undefined;
}

function nest(path: Path, value: Value): Value {
  return path.reduceRight<Value>((inner, key) => ({ [key]: inner }), value);
}

/** Adds `key: value` to a mapping: after its last entry, in the mapping's own style (block, flow or JSON). */
function insertEntry(text: string, json: boolean, map: YAMLMap, key: string, value: Value): string {
  const [start, end] = map.range!;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (map.flow || text[start] === '{') {
    const close = text.lastIndexOf('}', end - 1);
    let last = close - 1;
    while (last > start && /\s/.test(text[last])) last--;
    const name = json ? JSON.stringify(key) : plainKey(key);
    if (last === start) return text.slice(0, start + 1) + `${name}: ${inline(value, json, 0)}` + text.slice(close);
    const lastLine = lineOf(text, last);
    if (lastLine === lineOf(text, close)) return text.slice(0, last + 1) + `, ${name}: ${inline(value, json, 0)}` + text.slice(last + 1);
    const lineStart = text.lastIndexOf('\n', last) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
    return text.slice(0, last + 1) + `,${eol}${indent}${name}: ${inline(value, json, indent.length)}` + text.slice(last + 1);
  }
  const lastPair = map.items[map.items.length - 1] as Pair<Node, Node | null> | undefined;
  const keyNode = map.items[0]?.key as Node | undefined;
  const indent = keyNode?.range ? columnOf(text, keyNode.range[0]) : 0;
  let after = lastPair?.value?.range?.[1] ?? (lastPair?.key as Node | undefined)?.range?.[1] ?? end;
  // A block value's range runs over the line breaks after it: the entry goes right after its last line.
  while (after > start && /\s/.test(text[after - 1])) after--;
  const newline = text.indexOf('\n', after);
  const at = newline < 0 ? text.length : newline + 1;
  const lead = newline < 0 ? eol : '';
  return text.slice(0, at) + lead + block(key, value, indent).split('\n').join(eol) + text.slice(at);
}

/** `key: value` as block YAML lines at `indent`, ending with a newline; lists are written inline. */
function block(key: string, value: Value, indent: number): string {
  const pad = ' '.repeat(indent);
  if (typeof value === 'object' && !Array.isArray(value))
    return (
      `${pad}${plainKey(key)}:\n` +
      Object.entries(value)
        .map(([inner, item]) => block(inner, item, indent + 2))
        .join('')
    );
  return `${pad}${plainKey(key)}: ${inline(value, false, indent + 2)}\n`;
}

/**
 * A value written inline. Long lists (the 168 hour-of-week factors) break after every 24 items, one day a line,
 * continuation lines indented `continuation` columns, which keeps them inside the flow sequence in YAML.
 */
function inline(value: Value, json: boolean, continuation: number): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length <= 24) return `[${value.join(', ')}]`;
    const lines: string[] = [];
    for (let at = 0; at < value.length; at += 24) lines.push(value.slice(at, at + 24).join(', '));
    return `[${lines.join(`,\n${' '.repeat(continuation + 2)}`)}]`;
  }
  const entries = Object.entries(value).map(
    ([key, item]) => `${json ? JSON.stringify(key) : plainKey(key)}: ${inline(item, json, continuation)}`,
  );
  return json ? `{${entries.join(', ')}}` : `{ ${entries.join(', ')} }`;
}

function plainKey(key: string): string {
  return /^[A-Za-z_][\w.-]*$/.test(key) ? key : JSON.stringify(key);
}

function keyText(pair: unknown): string | undefined {
  const key = (pair as Pair).key;
  return isScalar(key) ? String(key.value) : typeof key === 'string' ? key : undefined;
}

function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let at = text.indexOf('\n'); at >= 0 && at < offset; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** The comment above `traffic:`: replaces one written by an earlier calibration, else goes on a line of its own. */
function stampComment(text: string, calibration: Calibration, stamp: CalibrationStamp, under: Path): string {
  let map: unknown = parseOne(text).contents;
  for (const key of under) map = isMap(map) ? (map.items.find((item) => keyText(item) === key) as Pair | undefined)?.value : undefined;
  if (!isMap(map)) return text;
  const traffic = map.items.find((item) => keyText(item) === 'traffic');
  const keyStart = (traffic?.key as Node | undefined)?.range?.[0];
  if (keyStart === undefined) return text;
  const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
  const indent = text.slice(lineStart, keyStart);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const comment =
    `${indent}${CALIBRATED_COMMENT} at ${stamp.at} from ${stamp.server}, ` +
    `history ${calibration.window.from} to ${calibration.window.to} in ${calibration.samples.window} windows: traffic and baseline values.`;
  const previousStart = text.lastIndexOf('\n', lineStart - 2) + 1;
  const previous = lineStart > 0 ? text.slice(previousStart, lineStart).replace(/\r?\n$/, '') : '';
  if (previous.trimStart().startsWith(CALIBRATED_COMMENT)) return text.slice(0, previousStart) + comment + eol + text.slice(lineStart);
  return text.slice(0, lineStart) + comment + eol + text.slice(lineStart);
}
