/**
 * The coverage review beside the editor: the figures, then the findings grouped by severity.
 */
import { SEVERITIES, type CoverageReport, type Severity } from '../shared/coverage-schema';

const SEVERITY_HEADINGS: Record<Severity, string> = { blocker: 'Blockers', warning: 'Warnings', info: 'Notes' };
const SEVERITY_NAMES: Record<Severity, [string, string]> = { blocker: ['blocker', 'blockers'], warning: ['warning', 'warnings'], info: ['note', 'notes'] };

export function CoveragePanel({ report }: { report: CoverageReport }) {
  const { figures, counts, findings } = report;
  const fraction = (part: { cited: number; total: number }) => `${part.cited}/${part.total}`;
  return (
    <section className="coverage" aria-label="Coverage">
      <h2>Coverage</h2>
      <dl className="figures">
        <div>
          <dt>Sentences cited</dt>
          <dd>{fraction(figures.sentences)}</dd>
        </div>
        <div>
          <dt>Paragraphs cited</dt>
          <dd>{fraction(figures.paragraphs)}</dd>
        </div>
        <div>
          <dt>Timeline entries cited</dt>
          <dd>{fraction(figures.timelineEntries)}</dd>
        </div>
        <div>
          <dt>Sources cited</dt>
          <dd>{fraction(figures.sources)}</dd>
        </div>
        <div>
          <dt>Outlets</dt>
          <dd>{figures.distinctOutlets}</dd>
        </div>
      </dl>
      <p className="counts">
        {SEVERITIES.map((severity) => (
          <span key={severity} className={`badge severity-${severity}`}>
            {counts[severity]} {SEVERITY_NAMES[severity][counts[severity] === 1 ? 0 : 1]}
          </span>
        ))}
      </p>
      {SEVERITIES.map((severity) => {
        const group = findings.filter((finding) => finding.severity === severity);
        if (group.length === 0) return null;
        return (
          <details key={severity} className={`findings severity-${severity}`} open={severity === 'blocker'}>
            <summary>
              {SEVERITY_HEADINGS[severity]} ({group.length})
            </summary>
            <ul>
              {group.map((finding, index) => (
                <li key={index}>
                  <span className="place">{finding.place}</span>
                  <span className="message">{finding.message}</span>
                </li>
              ))}
            </ul>
          </details>
        );
      })}
    </section>
  );
}
