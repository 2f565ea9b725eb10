/**
 * The selected story, read-only for now: its header, its coverage review (figures, then findings
 * grouped by severity with their place) and the finished page as it will be exported, shown in a
 * sandboxed frame that runs no script.
 */
import { SEVERITIES, type CoverageReport, type Severity } from '../shared/coverage-schema';
import { formatTime, plural, STATUS_LABELS } from './format';
import { duplicateStory, trashStory, useLibrary } from './library-state';
import { useStoryPane } from './story-state';

const SEVERITY_HEADINGS: Record<Severity, string> = { blocker: 'Blockers', warning: 'Warnings', info: 'Notes' };
const SEVERITY_NAMES: Record<Severity, [string, string]> = { blocker: ['blocker', 'blockers'], warning: ['warning', 'warnings'], info: ['note', 'notes'] };

export function StoryPane() {
  const story = useStoryPane((state) => state.story);
  const report = useStoryPane((state) => state.report);
  const previewHtml = useStoryPane((state) => state.previewHtml);
  const loading = useStoryPane((state) => state.loading);
  const inTrash = useLibrary((state) => state.view === 'trash');

  if (!story) {
    return (
      <main className="story-pane empty-pane" aria-label="Story">
        <p>{loading ? 'Opening the story…' : 'Choose a story in the library, or create one.'}</p>
      </main>
    );
  }
  return (
    <main className="story-pane" aria-label="Story" aria-busy={loading}>
      <header className="story-header">
        <p className="story-feed">{story.feed || 'No feed'}</p>
        <h1>{story.title || 'Untitled story'}</h1>
        <p className="story-meta">
          <span className={`badge status-${story.status}`}>{STATUS_LABELS[story.status]}</span>
          <span>
            Updated <time dateTime={story.updatedAt}>{formatTime(story.updatedAt)}</time>
          </span>
          <span>{plural(story.sources.length, 'source')}</span>
          <span>
            Slug <code>{story.slug}</code>
          </span>
        </p>
        {inTrash ? null : (
          <div className="story-actions">
            <button type="button" onClick={() => void duplicateStory(story.id)}>
              Duplicate
            </button>
            <button type="button" onClick={() => void trashStory(story.id)}>
              Move to trash
            </button>
          </div>
        )}
      </header>
      <div className="story-body">
        {report ? <CoverageSummary report={report} /> : null}
        <section className="preview" aria-label="Page preview">
          <h2>Preview</h2>
          {previewHtml !== null ? <iframe title="Page preview" sandbox="" srcDoc={previewHtml} /> : null}
        </section>
      </div>
    </main>
  );
}

function CoverageSummary({ report }: { report: CoverageReport }) {
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
