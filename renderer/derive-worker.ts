/**
 * The worker that reviews and renders the draft while the editor types (see derive.ts). It keeps
 * the hero images it was sent, by SHA-256, so that each crosses once.
 */
import './zod-config';
import type { Story } from '../shared/model';
import { applyDraftPatch, pageOf, problemsOf, reviewOf, type DeriveAnswer, type DeriveRequest } from './derive';

const HERO_IMAGES_KEPT = 4;
const heroImages = new Map<string, string>();
/** The draft received last: the next request says what changed from it. */
let draft: Story | undefined;

interface WorkerScope {
  onmessage: ((event: { data: DeriveRequest }) => void) | null;
  postMessage(answer: DeriveAnswer): void;
}
const scope = globalThis as unknown as WorkerScope;

scope.onmessage = ({ data: request }) => {
  const { seq } = request;
  try {
    if (request.hero) {
      heroImages.delete(request.hero.sha256);
      heroImages.set(request.hero.sha256, request.hero.base64);
      for (const sha256 of heroImages.keys()) if (heroImages.size > HERO_IMAGES_KEPT) heroImages.delete(sha256);
    }
    const story = applyDraftPatch(request.draft, draft);
    draft = story;
    scope.postMessage({ seq, kind: 'review', report: reviewOf(story, request.libraryRules) });
    const problems = problemsOf(story);
    let previewHtml: string | null = null;
    try {
      previewHtml = pageOf(story, story.hero ? heroImages.get(story.hero.asset.sha256) : undefined);
    } catch {
      // A draft the page cannot be made from yet (a half-typed link) keeps the last page.
    }
    scope.postMessage({ seq, kind: 'page', previewHtml, problems });
  } catch (error) {
    scope.postMessage({ seq, kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
};
