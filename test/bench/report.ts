/**
 * The benchmark report: one row per measured operation, beside its floor and its target,
 * printed as a table and written as JSON together with the machine it ran on.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Distribution } from './measure';

export interface ResultRow {
  /** A stable name for tools that compare runs: `list`, `get-story`, … */
  key: string;
  operation: string;
  unit: 'ms' | 'MB';
  measured: Distribution;
  /** The raw better-sqlite3 statement doing the least equivalent work on the same data. */
  floor?: { description: string; measured: Distribution };
  /** measured p50 ÷ floor p50. */
  ratio?: number;
  target?: { description: string; met: boolean };
  details?: Record<string, unknown>;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  totalMemoryGiB: number;
  os: string;
  node: string;
  sqlite: string;
  betterSqlite3: string;
}

export interface BenchReport {
  benchmark: string;
  date: string;
  machine: MachineInfo;
  library: Record<string, unknown>;
  rows: ResultRow[];
  durationSeconds: number;
}

/** A row for a value measured once (a peak, a size), shown in the p50 column. */
export function singleValue(value: number): Distribution {
  return { samples: 1, p50: value, p95: value, p99: value, min: value, max: value, mean: value };
}

/** The machine the run is on; SQLite's versions when a database is at hand. */
export function describeMachine(db?: Database.Database): MachineInfo {
  const require = createRequire(import.meta.url);
  const manifest = JSON.parse(fs.readFileSync(require.resolve('better-sqlite3/package.json'), 'utf8')) as { version: string };
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    totalMemoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    sqlite: db ? String(db.prepare('SELECT sqlite_version()').pluck().get()) : 'not used',
    betterSqlite3: manifest.version,
  };
}

function formatValue(value: number | undefined, unit: ResultRow['unit']): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  if (unit === 'MB') return `${value.toFixed(1)} MB`;
  const digits = value < 1 ? 3 : value < 100 ? 2 : 1;
  return `${value.toFixed(digits)} ms`;
}

export function formatTable(rows: readonly ResultRow[]): string {
  const header = ['Operation', 'n', 'p50', 'p95', 'p99', 'floor p50', 'ratio', 'target', 'met?'];
  const lines = rows.map((row) => [
    row.operation,
    String(row.measured.samples),
    formatValue(row.measured.p50, row.unit),
    row.measured.samples > 1 ? formatValue(row.measured.p95, row.unit) : '—',
    row.measured.samples > 1 ? formatValue(row.measured.p99, row.unit) : '—',
    formatValue(row.floor?.measured.p50, 'ms'),
    row.ratio === undefined ? '—' : `${row.ratio.toFixed(2)}×`,
    row.target?.description ?? '—',
    row.target ? (row.target.met ? 'yes' : 'no') : '—',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]?.length ?? 0)));
  const numeric = new Set([1, 2, 3, 4, 5, 6]);
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(render)].join('\n');
}

export function writeReport(file: string, report: BenchReport): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}

/** Prints a report as every benchmark does: a title line naming the machine, then the table. */
export function printReport(report: BenchReport): void {
  const { machine } = report;
  console.log('');
  console.log(`Storydesk ${report.benchmark} benchmark — ${report.date.slice(0, 10)} — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);
  console.log('');
  console.log(formatTable(report.rows));
}
