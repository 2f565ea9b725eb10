/**
 * `storydesk check`: the coverage review as a report a person reads at a terminal, and the
 * reading of the files it takes (a story as JSON, rules as JSON) with errors that say where.
 */
import fs from 'node:fs';
import { summariseCounts } from '../shared/coverage';
import { CoverageRulesPatchSchema, SEVERITIES, type CoverageReport, type CoverageRulesPatch, type Severity } from '../shared/coverage-schema';
import { InvalidInputError, parseOrThrow } from '../shared/errors';
import { StorySchema, type Story } from '../shared/model';

/** A file the command was given that cannot be used; the command exits 2. */
export class UnreadableInputError extends Error {}

function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UnreadableInputError(`cannot read the ${what} ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    throw new UnreadableInputError(`the ${what} ${file} is not JSON: ${(error as Error).message}`);
  }
}

function parseFile<T>(parse: () => T, file: string): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InvalidInputError) throw new UnreadableInputError(`${file}: ${error.message}`);
    throw error;
  }
}

/** A story saved as JSON (as `storydesk show ID --json` prints it). */
export function readStoryFile(file: string): Story {
  const value = readJsonFile(file, 'story file');
  return parseFile(() => parseOrThrow(StorySchema, value, 'story'), file);
}

/** Coverage rules as JSON: any of the rule fields, laid over the library's and the story's. */
export function readRulesFile(file: string): CoverageRulesPatch {
  const value = readJsonFile(file, 'rules file');
  return parseFile(() => parseOrThrow(CoverageRulesPatchSchema, value, 'coverage rules'), file);
}

const HEADINGS: Record<Severity, [string, string]> = { blocker: ['blocker', 'blockers'], warning: ['warning', 'warnings'], info: ['note', 'notes'] };
const MARKS: Record<Severity, string> = { blocker: '✗', warning: '!', info: '·' };

function fraction(part: { cited: number; total: number }): string {
  return `${part.cited}/${part.total}`;
}

function timelineOrder(order: CoverageReport['figures']['timelineOrder']): string {
  const direction = order.direction === 'oldest-first' ? 'oldest first' : 'newest first';
  const undated = order.undated === 0 ? '' : ` (${order.undated} undated ${order.undated === 1 ? 'entry' : 'entries'} not counted)`;
  return order.inOrder ? `yes, ${direction}${undated}` : `no: ${order.misplaced} out of place (${direction})${undated}`;
}

/** The review as a readable report: figures, then findings grouped by severity, then the verdict. */
export function formatCoverageReport(story: Pick<Story, 'id' | 'title'>, report: CoverageReport): string {
  const { figures } = report;
  const lines = [
    `Coverage review of «${story.title || '(untitled)'}» (${story.id})`,
    '',
    `  Sentences cited         ${fraction(figures.sentences)}`,
    `  Timeline entries cited  ${fraction(figures.timelineEntries)}`,
    `  Sources cited           ${fraction(figures.sources)}`,
    `  Timeline in date order  ${timelineOrder(figures.timelineOrder)}`,
    `  Distinct outlets        ${figures.distinctOutlets}`,
  ];
  if (figures.largestSourceShare) {
    const { number, citations, share } = figures.largestSourceShare;
    lines.push(`  Largest source share    [${number}]: ${citations} of ${figures.citations} citations (${Math.round(share * 100)}%)`);
  }
  if (figures.largestOutletShare) {
    const { outlet, citations, share } = figures.largestOutletShare;
    lines.push(`  Largest outlet share    ${outlet}: ${citations} of ${figures.citations} citations (${Math.round(share * 100)}%)`);
  }
  for (const severity of SEVERITIES) {
    const findings = report.findings.filter((finding) => finding.severity === severity);
    if (findings.length === 0) continue;
    const [one, many] = HEADINGS[severity];
    lines.push('', `${findings.length} ${findings.length === 1 ? one : many}`);
    for (const finding of findings) lines.push(`  ${MARKS[severity]} ${finding.place}: ${finding.message} [${finding.code}]`);
  }
  lines.push(
    '',
    report.counts.blocker === 0
      ? `Ready to publish (${summariseCounts(report.counts)}).`
      : `Not ready to publish: ${summariseCounts(report.counts)}. Fix the blockers, or publish with a written override reason.`,
  );
  return `${lines.join('\n')}\n`;
}
