// The coverage review where editors meet it outside the window: `storydesk check`, `status`,
// `history` and `rules`, and the publish gate in the service. Each test has its own library.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../electron/cli';
import { openLibraryService } from '../electron/library';
import { CoverageReportSchema } from '../shared/coverage-schema';
import { PublishBlockedError } from '../shared/errors';
import { freshFolder, freshLibraryPath } from './helpers/library';
import { publishableSample, smallStory, text } from './helpers/stories';

const SAMPLE_ID = 'sample-korea-poland-security-dialogue';

async function storydesk(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const home = freshFolder();
  const code = await main(argv, {
    stdout: (chunk) => (stdout += chunk),
    stderr: (chunk) => (stderr += chunk),
    env: { HOME: home },
    isTerminal: false,
  });
  return { code, stdout, stderr };
}

function writeJson(value: unknown, name = 'story.json'): string {
  const file = path.join(freshFolder(), name);
  fs.writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}

describe('storydesk check', () => {
  it('reports the sample story grouped by severity, with places, and exits 1 for its blockers', async () => {
    const library = freshLibraryPath();
    const run = await storydesk('check', SAMPLE_ID, '--library', library);
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('Coverage review of «South Korea and Poland Launch First Bilateral Security Dialogue on Korean Peninsula» (sample-korea-poland-security-dialogue)');
    expect(run.stdout).toContain('  Sentences cited         15/15\n');
    expect(run.stdout).toContain('  Timeline entries cited  9/9\n');
    expect(run.stdout).toContain('  Sources cited           6/6\n');
    expect(run.stdout).toContain('  Timeline in date order  yes, oldest first\n');
    expect(run.stdout).toContain('  Largest source share    [1]: 16 of 24 citations (67%)\n');
    expect(run.stdout).toContain('\n18 blockers\n  ✗ Source [1] (src-2026-02-02): This source has no URL. [source-url-missing]\n');
    expect(run.stdout).toContain('\n7 warnings\n');
    expect(run.stdout).toContain(
      '  ! Section 2 «Senior Officials Lead Negotiations»: Every citation in this section points at one source, [1], though the story has 6 sources. [section-single-source]\n',
    );
    expect(run.stdout).toContain('\n1 note\n');
    expect(run.stdout.indexOf('blockers')).toBeLessThan(run.stdout.indexOf('warnings'));
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('Not ready to publish: 18 blockers, 7 warnings, 1 note. Fix the blockers, or publish with a written override reason.');
  });

  it('names the sentence a finding is in', async () => {
    const story = smallStory();
    story.sections[0]!.body[0]!.content.push(text(' Then nobody said where this came from.'));
    const run = await storydesk('check', writeJson(story));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('  ✗ Section 1 «What happened», sentence 3: This sentence has no citation: “Then nobody said where this came from.”. [sentence-uncited]\n');
  });

  it('prints JSON that is the report, and exits 0 for a story without blockers', async () => {
    const run = await storydesk('check', writeJson(publishableSample()), '--json');
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(printed).toMatchObject({ storyId: SAMPLE_ID, counts: { blocker: 0 } });
    const { storyId: _id, title: _title, ...report } = printed;
    expect(CoverageReportSchema.safeParse(report).success).toBe(true);
  });

  it('checks a story file without creating a library', async () => {
    const home = freshFolder();
    const file = writeJson(publishableSample());
    const code = await main(['check', file], { stdout: () => {}, stderr: () => {}, env: { HOME: home, STORYDESK_LIBRARY: path.join(home, 'lib.storydesk') }, isTerminal: false });
    expect(code).toBe(0);
    expect(fs.readdirSync(home)).toEqual([]);
  });

  it('lays a rules file over the story', async () => {
    const story = smallStory();
    story.timeline[0]!.body = [text('No citation.')];
    const file = writeJson(story);
    expect((await storydesk('check', file)).code).toBe(1);
    const rules = writeJson({ severities: { 'timeline-entry-uncited': 'warning' } }, 'rules.json');
    const run = await storydesk('check', file, '--rules', rules);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('[timeline-entry-uncited]');
  });

  it('exits 2, saying what is wrong and where, when the input cannot be read', async () => {
    const missing = await storydesk('check', path.join(freshFolder(), 'nope.json'));
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toMatch(/^storydesk: cannot read the story file .*nope\.json: no such file\n$/);

    const notJson = path.join(freshFolder(), 'page.json');
    fs.writeFileSync(notJson, '{"title": ');
    expect((await storydesk('check', notJson)).stderr).toMatch(/is not JSON/);

    const broken = smallStory() as unknown as { sections: { body: { content: unknown[] }[] }[] };
    broken.sections[0]!.body[0]!.content[1] = { type: 'citation', sources: [] };
    const invalid = await storydesk('check', writeJson(broken));
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('sections[0].body[0].content[1].sources: a citation cites at least one source');

    const unknownStory = await storydesk('check', 'no-such-story', '--library', freshLibraryPath());
    expect(unknownStory.code).toBe(2);
    expect(unknownStory.stderr).toContain('there is no story "no-such-story"');

    const badRules = await storydesk('check', writeJson(smallStory()), '--rules', writeJson({ citationUnit: 'word' }, 'rules.json'));
    expect(badRules.code).toBe(2);
    expect(badRules.stderr).toContain('citationUnit');
  });

  it('uses the library’s rules, which `storydesk rules --set` changes', async () => {
    const library = freshLibraryPath();
    const rules = writeJson({ severities: { 'source-url-missing': 'warning', 'source-title-missing': 'warning', 'source-outlet-missing': 'off' } }, 'rules.json');
    const set = await storydesk('rules', '--set', rules, '--library', library, '--json');
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ effective: { citationUnit: 'sentence', severities: { 'source-outlet-missing': 'off' } } });
    const run = await storydesk('check', SAMPLE_ID, '--library', library);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('[source-outlet-missing]');
  });
});

describe('the publish gate', () => {
  it('refuses to publish a story with blockers, listing them, and changes nothing', async () => {
    const { store, service } = openLibraryService(freshLibraryPath());
    const attempt = service.setStoryStatus({ id: SAMPLE_ID, status: 'published', baseRevision: 1 });
    await expect(attempt).rejects.toBeInstanceOf(PublishBlockedError);
    await expect(attempt).rejects.toMatchObject({ code: 'publish-blocked', blockers: expect.arrayContaining([{ code: 'source-url-missing', message: 'This source has no URL.', place: 'Source [1] (src-2026-02-02)' }]) });
    expect(await service.getStory({ id: SAMPLE_ID })).toMatchObject({ status: 'draft', revision: 1 });
    expect(await service.listRevisions({ storyId: SAMPLE_ID })).toHaveLength(1);
    store.close();
  });

  it('publishes with a written reason and keeps the reason with the revision', async () => {
    const { store, service } = openLibraryService(freshLibraryPath());
    const published = await service.setStoryStatus({ id: SAMPLE_ID, status: 'published', baseRevision: 1, overrideReason: 'Sources confirmed by phone' });
    expect(published).toMatchObject({ status: 'published', revision: 2 });
    const [latest] = await service.listRevisions({ storyId: SAMPLE_ID });
    expect(latest).toMatchObject({ revision: 2, summary: 'Status: draft → published', overrideReason: 'Sources confirmed by phone' });
    store.close();
  });

  it('lets a story without blockers through without a reason', async () => {
    const { store, service } = openLibraryService(freshLibraryPath());
    const story = await service.getStory({ id: SAMPLE_ID });
    const saved = await service.saveStory({ story: { ...publishableSample(), revision: story.revision }, baseRevision: story.revision });
    const published = await service.setStoryStatus({ id: SAMPLE_ID, status: 'published', baseRevision: saved.revision });
    expect(published.status).toBe('published');
    expect((await service.reviewStory({ id: SAMPLE_ID })).counts.blocker).toBe(0);
    store.close();
  });

  it('applies the library’s and the story’s rules', async () => {
    const { store, service } = openLibraryService(freshLibraryPath());
    await service.setCoverageRules({ rules: { severities: { 'source-url-missing': 'off', 'source-title-missing': 'off' } } });
    expect((await service.reviewStory({ id: SAMPLE_ID })).counts.blocker).toBe(6);
    const story = await service.getStory({ id: SAMPLE_ID });
    const saved = await service.saveStory({ story: { ...story, coverageRules: { severities: { 'source-outlet-missing': 'warning' } } }, baseRevision: 1 });
    expect((await service.reviewStory({ id: SAMPLE_ID })).counts.blocker).toBe(0);
    expect((await service.setStoryStatus({ id: SAMPLE_ID, status: 'published', baseRevision: saved.revision })).status).toBe('published');
    expect((await service.reviewStory({ id: SAMPLE_ID, rules: { severities: { 'source-outlet-missing': 'blocker' } } })).counts.blocker).toBe(6);
    expect(await service.getCoverageRules({})).toMatchObject({ library: { severities: { 'source-url-missing': 'off' } } });
    store.close();
  });

  it('works from the command line: refused without --reason (exit 1), then recorded in the history', async () => {
    const library = freshLibraryPath();
    const refused = await storydesk('status', SAMPLE_ID, 'published', '--library', library);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('has 18 blockers and was not published:\n  ✗ Source [1] (src-2026-02-02): This source has no URL.\n');
    expect(refused.stderr).toContain('publish anyway with --reason TEXT');
    const accepted = await storydesk('status', SAMPLE_ID, 'published', '--reason', 'Checked with the desk chief', '--library', library);
    expect(accepted).toMatchObject({ code: 0, stdout: '«South Korea and Poland Launch First Bilateral Security Dialogue on Korean Peninsula» is now published (revision 2).\n' });
    const history = await storydesk('history', SAMPLE_ID, '--library', library);
    // Newest first, as the API lists revisions.
    expect(history.stdout).toMatch(/^ {3}2 .+ Status: draft → published\n {8}override reason: Checked with the desk chief\n {3}1 .+ Sample story: the seed page\n$/);
  });
});
