/**
 * The coverage review beside the editor: the figures at the top, then the findings grouped by
 * severity. Each finding is a button that shows its place in the editor (the sentence, entry,
 * source or image field, selected), through the reveal registry.
 *
 * The report is a new object on every refresh (30 ms after a pause in typing), so the panel does
 * only work in proportion to the findings, keys each finding by what it is rather than by its
 * position (a finding fixed above does not re-key those below), and lists the first few dozen of a
 * long group until asked for all: the huge story has hundreds.
 */
import { memo, useState } from 'react';
import { SEVERITIES, type CoverageFigures, type CoverageReport, type Finding, type FindingLocation, type Severity } from '../shared/coverage-schema';
import { reveal, revealKey } from './editor/reveal';
import { plural } from './format';
import './coverage.css';

const SEVERITY_HEADINGS: Record<Severity, string> = { blocker: 'Blockers', warning: 'Warnings', info: 'Notes' };
const SEVERITY_NAMES: Record<Severity, string> = { blocker: 'blocker', warning: 'warning', info: 'note' };
/** Findings listed per group until "Show all" is pressed. */
const FINDINGS_SHOWN = 50;

export function CoveragePanel({ report }: { report: CoverageReport }) {
  const { figures, counts, findings } = report;
  /** The place of the last finding that nothing on screen could show, if the last click was one. */
  const [unshown, setUnshown] = useState<string | null>(null);
  const groups = groupBySeverity(findings);
  const show = (finding: Finding) => setUnshown(reveal(finding.location) ? null : finding.place);
  return (
    <section className="coverage" aria-label="Coverage">
      <h2>Coverage</h2>
      <Figures figures={figures} />
      <p className="counts">
        {SEVERITIES.map((severity) => (
          <span key={severity} className={`badge severity-${severity}`}>
            {plural(counts[severity], SEVERITY_NAMES[severity])}
          </span>
        ))}
      </p>
      <p className="coverage-notice" role="status">
        {unshown === null ? '' : `${unshown} cannot be shown: no part of the editor on screen holds it (it may have been deleted since).`}
      </p>
      {SEVERITIES.map((severity) =>
        groups[severity].length === 0 ? null : <FindingGroup key={severity} severity={severity} findings={groups[severity]} onShow={show} />,
      )}
    </section>
  );
}

function groupBySeverity(findings: readonly Finding[]): Record<Severity, Finding[]> {
  const groups: Record<Severity, Finding[]> = { blocker: [], warning: [], info: [] };
  for (const finding of findings) groups[finding.severity].push(finding);
  return groups;
}

// ---------------------------------------------------------------------------------------------
// The figures

function fraction({ cited, total }: { cited: number; total: number }): string {
  return `${cited}/${total}`;
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function timelineOrderText(order: CoverageFigures['timelineOrder']): string {
  const direction = order.direction === 'oldest-first' ? 'oldest first' : 'newest first';
  const problems = [order.misplaced > 0 ? `${order.misplaced} out of place` : '', order.undated > 0 ? `${order.undated} undated` : ''].filter(Boolean);
  return problems.length === 0 ? `In order (${direction})` : `${problems.join(', ')} (${direction})`;
}

/** One figure: a term and its value, read as a pair by the description list. */
function Figure({ term, children }: { term: string; children: string }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

const Figures = memo(function Figures({ figures }: { figures: CoverageFigures }) {
  const source = figures.largestSourceShare;
  const outlet = figures.largestOutletShare;
  return (
    <dl className="figures">
      <Figure term="Sentences cited">{fraction(figures.sentences)}</Figure>
      <Figure term="Paragraphs cited">{fraction(figures.paragraphs)}</Figure>
      <Figure term="Timeline entries cited">{fraction(figures.timelineEntries)}</Figure>
      <Figure term="Sources cited">{fraction(figures.sources)}</Figure>
      <Figure term="Outlets">{String(figures.distinctOutlets)}</Figure>
      <Figure term="Timeline order">{timelineOrderText(figures.timelineOrder)}</Figure>
      <Figure term="Largest source share">{source ? `[${source.number}] ${percent(source.share)} (${source.citations} of ${figures.citations})` : '—'}</Figure>
      <Figure term="Largest outlet share">{outlet ? `${outlet.outlet} ${percent(outlet.share)} (${outlet.citations} of ${figures.citations})` : '—'}</Figure>
    </dl>
  );
}, sameFigures);

function sameFigures(before: { figures: CoverageFigures }, after: { figures: CoverageFigures }): boolean {
  return JSON.stringify(before.figures) === JSON.stringify(after.figures);
}

// ---------------------------------------------------------------------------------------------
// The findings

/**
 * Where a finding is, as a string: its part, field, paragraph and sentence or citation. A
 * sentence counts by its number, not its offsets, so that typing earlier in the paragraph, which
 * moves the offsets of the sentences after it, keeps their rows (React's key).
 */
function placeKey(location: FindingLocation): string {
  switch (location.part) {
    case 'section':
      return `${revealKey(location)}:${location.field}:${location.paragraph ?? ''}:${location.sentence?.index ?? ''}:${location.inline ?? ''}`;
    case 'timeline':
      return `${revealKey(location)}:${location.field}:${location.inline ?? ''}`;
    case 'source':
      return `${revealKey(location)}:${location.field ?? ''}`;
    case 'hero':
    case 'story':
      return `${revealKey(location)}:${location.field}`;
  }
}

/** Stable keys: code and place; a second finding of the same code at the same place is numbered. */
function findingKeys(findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const key = `${finding.code}@${placeKey(finding.location)}`;
    const count = seen.get(key) ?? 0;
    seen.set(key, count + 1);
    return count === 0 ? key : `${key}#${count}`;
  });
}

/**
 * Whether a row can stay as it was drawn: the same words and exactly the same place (the sentence's
 * offsets too, since the row's button reveals the finding it was drawn with).
 */
function sameFinding(before: Finding, after: Finding): boolean {
  if (before.message !== after.message || before.place !== after.place || placeKey(before.location) !== placeKey(after.location)) return false;
  const sentenceBefore = before.location.part === 'section' ? before.location.sentence : undefined;
  const sentenceAfter = after.location.part === 'section' ? after.location.sentence : undefined;
  return sentenceBefore?.start === sentenceAfter?.start && sentenceBefore?.end === sentenceAfter?.end;
}

function FindingGroup({ severity, findings, onShow }: { severity: Severity; findings: Finding[]; onShow: (finding: Finding) => void }) {
  const [open, setOpen] = useState(severity === 'blocker');
  const [showAll, setShowAll] = useState(false);
  const shown = showAll ? findings : findings.slice(0, FINDINGS_SHOWN);
  const keys = findingKeys(shown);
  return (
    <details className={`findings severity-${severity}`} open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>
        {SEVERITY_HEADINGS[severity]} ({findings.length})
      </summary>
      {open ? (
        <>
          <ul>
            {shown.map((finding, index) => (
              <FindingItem key={keys[index]} finding={finding} onShow={onShow} />
            ))}
          </ul>
          {shown.length < findings.length ? (
            <button type="button" className="show-all" onClick={() => setShowAll(true)}>
              Show all {findings.length}
            </button>
          ) : null}
        </>
      ) : null}
    </details>
  );
}

/** A finding's row: unchanged findings are not rendered again when the report is refreshed. */
const FindingItem = memo(
  function FindingItem({ finding, onShow }: { finding: Finding; onShow: (finding: Finding) => void }) {
    return (
      <li>
        <button type="button" className="finding" onClick={() => onShow(finding)}>
          <span className="place">{finding.place}</span>
          <span className="message">{finding.message}</span>
        </button>
      </li>
    );
  },
  (before, after) => sameFinding(before.finding, after.finding),
);
