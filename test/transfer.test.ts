// Export and import as editors run them: `storydesk export` in every format, `storydesk import`
// of bundles and copied pages, and the publish gate on final exports. Each test has its own
// library and output folder.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../electron/cli';
import { openLibraryService } from '../electron/library';
import { PublishBlockedError } from '../shared/errors';
import { freshFolder, freshLibraryPath } from './helpers/library';

const SAMPLE_ID = 'sample-korea-poland-security-dialogue';
const SAMPLE_SLUG = 'south-korea-and-poland-launch-first-bilateral-security-dialogue-on-korean-peninsula';
const seedText = path.join(import.meta.dirname, 'fixtures', 'seed-story.txt');

async function storydesk(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (chunk) => (stdout += chunk), stderr: (chunk) => (stderr += chunk), env: { HOME: freshFolder() }, isTerminal: false });
  return { code, stdout, stderr };
}

describe('storydesk export', () => {
  it('writes the sample story in every single-file format', async () => {
    const library = freshLibraryPath();
    const out = freshFolder();
    for (const format of ['html', 'bundle', 'timelinejs', 'ninjs', 'csl']) {
      const run = await storydesk('export', SAMPLE_ID, '--format', format, '--out', out, '--library', library);
      expect(run.code, run.stderr).toBe(0);
    }
    expect(fs.readdirSync(out).sort()).toEqual(
      ['.csl.json', '.html', '.ninjs.json', '.storybundle', '.timeline.json'].map((ending) => `${SAMPLE_SLUG}${ending}`).sort(),
    );
    const html = fs.readFileSync(path.join(out, `${SAMPLE_SLUG}.html`), 'utf8');
    expect(html).toContain('South Korea and Poland Launch First Bilateral Security Dialogue on Korean Peninsula');
    expect(html).toContain('data:image/png;base64,');
    const timeline = JSON.parse(fs.readFileSync(path.join(out, `${SAMPLE_SLUG}.timeline.json`), 'utf8')) as { events: unknown[] };
    expect(timeline.events).toHaveLength(9);
    const csl = JSON.parse(fs.readFileSync(path.join(out, `${SAMPLE_SLUG}.csl.json`), 'utf8')) as unknown[];
    expect(csl).toHaveLength(6);
    const ninjs = JSON.parse(fs.readFileSync(path.join(out, `${SAMPLE_SLUG}.ninjs.json`), 'utf8')) as { uri: string };
    expect(ninjs.uri).toBe(`urn:storydesk:story:${SAMPLE_ID}`);
  });

  it('writes several stories one file each into a folder, and a library bundle as one file', async () => {
    const library = freshLibraryPath();
    const { store, service } = openLibraryService(library);
    const other = await service.createStory({ title: 'Budget talks resume', feed: 'Business' });
    store.close();
    const out = path.join(freshFolder(), 'pages');
    const run = await storydesk('export', '--all', '--format', 'html', '--out', out, '--library', library);
    expect(run.code, run.stderr).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual([`${other.slug}.html`, `${SAMPLE_SLUG}.html`].sort());
    const bundle = path.join(freshFolder(), 'desk.storybundle');
    const bundled = await storydesk('export', SAMPLE_ID, other.id, '--format', 'bundle', '--out', bundle, '--library', library);
    expect(bundled.stdout).toBe(`Exported 2 stories as a library bundle: ${bundle}.\n`);
    expect(fs.readFileSync(bundle).subarray(0, 2).toString()).toBe('PK');
  });

  it('writes a site into a new folder, and refuses a folder that has files in it', async () => {
    const library = freshLibraryPath();
    const site = path.join(freshFolder(), 'site');
    const run = await storydesk('export', '--all', '--format', 'site', '--out', site, '--library', library);
    expect(run.code, run.stderr).toBe(0);
    expect(fs.readdirSync(site).sort()).toEqual(['assets', 'index.html', 'stories']);
    const busy = freshFolder();
    fs.writeFileSync(path.join(busy, 'keep.txt'), 'mine');
    const refused = await storydesk('export', '--all', '--format', 'site', '--out', busy, '--library', library);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not empty; export the site to a new or empty folder');
    expect(fs.readdirSync(busy)).toEqual(['keep.txt']);
    expect(fs.readdirSync(path.dirname(busy)).filter((name) => name.includes('.partial'))).toEqual([]);
  });

  it('sends a final export through the publish gate: refused without a reason, recorded with one', async () => {
    const library = freshLibraryPath();
    const out = freshFolder();
    const refused = await storydesk('export', SAMPLE_ID, '--format', 'html', '--final', '--out', out, '--library', library);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('has 18 blockers');
    expect(refused.stderr).toContain('exporting it as final anyway needs a written override reason');
    expect(fs.readdirSync(out)).toEqual([]);
    const accepted = await storydesk('export', SAMPLE_ID, '--format', 'html', '--final', '--reason', 'Sources checked by the desk', '--out', out, '--library', library);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(fs.readdirSync(out)).toEqual([`${SAMPLE_SLUG}.html`]);
    const history = await storydesk('history', SAMPLE_ID, '--library', library);
    expect(history.stdout).toContain("Exported as final (html) over the coverage review's blockers\n        override reason: Sources checked by the desk\n");
  });

  it('refuses an unknown format with the list of formats', async () => {
    const run = await storydesk('export', SAMPLE_ID, '--format', 'pdf', '--library', freshLibraryPath());
    expect(run).toMatchObject({ code: 2 });
    expect(run.stderr).toContain('--format takes one of html, bundle, timelinejs, ninjs, csl, site');
  });
});

describe('storydesk import', () => {
  it('imports a bundle as a copy, as a replacement, or skips it', async () => {
    const library = freshLibraryPath();
    const out = freshFolder();
    await storydesk('export', SAMPLE_ID, '--format', 'bundle', '--out', out, '--library', library);
    const bundle = path.join(out, `${SAMPLE_SLUG}.storybundle`);
    const copied = await storydesk('import', bundle, '--library', library);
    expect(copied.code, copied.stderr).toBe(0);
    expect(copied.stdout).toMatch(/1 story imported, 0 skipped\.\n {2}imported as a copy: «.+ \(copy\)» \(/);
    const skipped = await storydesk('import', bundle, '--on-conflict', 'skip', '--library', library);
    expect(skipped.stdout).toContain('0 stories imported, 1 skipped.');
    const replaced = await storydesk('import', bundle, '--on-conflict', 'replace', '--library', library);
    expect(replaced.stdout).toContain(`replaced: «South Korea and Poland Launch First Bilateral Security Dialogue on Korean Peninsula» (${SAMPLE_ID})`);
    const list = await storydesk('list', '--library', library, '--json');
    expect(JSON.parse(list.stdout)).toHaveLength(2);
  });

  it('imports a page copied as text as a draft, with notes', async () => {
    const library = freshLibraryPath();
    const run = await storydesk('import', seedText, '--library', library, '--json');
    expect(run.code, run.stderr).toBe(0);
    const [result] = JSON.parse(run.stdout) as { imported: { id: string }[]; notes: string[] }[];
    expect(result?.notes.some((note) => note.includes('placeholder'))).toBe(true);
    const shown = await storydesk('show', result!.imported[0]!.id, '--library', library);
    expect(shown.stdout.trimEnd()).toBe(fs.readFileSync(seedText, 'utf8').trimEnd());
  });

  it('reports a file it cannot import, imports the others, exits 1 and changes nothing for the bad one', async () => {
    const library = freshLibraryPath();
    const broken = path.join(freshFolder(), 'broken.storybundle');
    fs.writeFileSync(broken, Buffer.from('PK\u0003\u0004 this is not really a zip'));
    const run = await storydesk('import', broken, seedText, '--library', library);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not imported: `));
    expect(run.stdout).toContain('seed-story.txt: imported «');
    const list = await storydesk('list', '--library', library, '--json');
    expect(JSON.parse(list.stdout)).toHaveLength(2);
  });

  it('refuses a file named as a bundle that is not a zip, rather than reading it as a page', async () => {
    const library = freshLibraryPath();
    const named = path.join(freshFolder(), 'from-the-desk.storybundle');
    fs.writeFileSync(named, 'This was never a bundle.\n');
    const run = await storydesk('import', named, '--library', library);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('is named as a bundle (.storybundle) but is not a zip archive');
    const list = await storydesk('list', '--library', library, '--json');
    expect(JSON.parse(list.stdout)).toHaveLength(1);
  });
});

describe('the export API', () => {
  it('gates a final export and records the override with a revision', async () => {
    const { store, service } = openLibraryService(freshLibraryPath());
    await expect(service.exportStory({ id: SAMPLE_ID, format: 'ninjs', final: true })).rejects.toBeInstanceOf(PublishBlockedError);
    expect(await service.listRevisions({ storyId: SAMPLE_ID })).toHaveLength(1);
    const file = await service.exportStory({ id: SAMPLE_ID, format: 'ninjs', final: true, overrideReason: 'Cleared by legal' });
    expect(file.fileName).toBe(`${SAMPLE_SLUG}.ninjs.json`);
    const [latest] = await service.listRevisions({ storyId: SAMPLE_ID });
    expect(latest).toMatchObject({ revision: 2, overrideReason: 'Cleared by legal' });
    // A draft export is not gated.
    expect((await service.exportStory({ id: SAMPLE_ID, format: 'csl' })).notes).toEqual([]);
    store.close();
  });
});
