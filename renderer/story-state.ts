/**
 * The story on screen: read-only for now (header, coverage review, the finished page).
 */
import { create } from 'zustand';
import type { CoverageReport } from '../shared/coverage-schema';
import type { Story } from '../shared/model';
import { api } from './connection';
import { attempt } from './notices';

interface StoryPaneState {
  story: Story | null;
  report: CoverageReport | null;
  /** The exported HTML page, shown in a sandboxed frame. */
  previewHtml: string | null;
  loading: boolean;
}

const EMPTY_PANE: StoryPaneState = { story: null, report: null, previewHtml: null, loading: false };

export const useStoryPane = create<StoryPaneState>(() => EMPTY_PANE);

let paneRequest = 0;
let openId: string | null = null;

function decodeUtf8Base64(data: string): string {
  const bytes = Uint8Array.from(atob(data), (character) => character.charCodeAt(0));
  return new TextDecoder('utf-8').decode(bytes);
}

export function closeStory(): void {
  openId = null;
  paneRequest++;
  useStoryPane.setState(EMPTY_PANE);
}

export async function openStory(id: string): Promise<void> {
  openId = id;
  const request = ++paneRequest;
  useStoryPane.setState((state) => ({ ...(state.story?.id === id ? state : EMPTY_PANE), loading: true }));
  const loaded = await attempt('open the story', async () => {
    const [story, report, page] = await Promise.all([
      api().getStory({ id }),
      api().reviewStory({ id }),
      api().exportStory({ id, format: 'html' }),
    ]);
    return { story, report, previewHtml: decodeUtf8Base64(page.data) };
  });
  if (request !== paneRequest) return;
  useStoryPane.setState(loaded ? { ...loaded, loading: false } : { ...EMPTY_PANE });
}

/** The open story changed elsewhere (or the library's rules did): show the stored version. */
export function reloadOpenStory(): void {
  if (openId !== null) void openStory(openId);
}

export function openStoryId(): string | null {
  return openId;
}
