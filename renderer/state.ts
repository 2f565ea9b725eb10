/**
 * Start-up: connects the stores (library-state.ts, story-state.ts, notices.ts) to the back end,
 * makes the first fetch, and refetches what is on screen when stories change here or elsewhere.
 */
import { storyOfThisWindow, type Backend } from './api';
import { runCommand } from './commands';
import { setBackend } from './connection';
import { dismissOfflineNotices } from './notices';
import { refreshList, refreshSearch, selectStory } from './library-state';
import { openStoryId, reloadOpenStory } from './story-state';

export function startWorkbench(connected: Backend): () => void {
  setBackend(connected);
  void refreshList();
  // A story's own window opens on its story.
  const story = storyOfThisWindow();
  if (story !== null) selectStory(story);
  return connected.listen({
    onStoryChanged: (id) => {
      void refreshList();
      void refreshSearch();
      if (openStoryId() === id) void reloadOpenStory();
    },
    onResync: () => {
      // The event stream (re)opened: the server answers again.
      dismissOfflineNotices();
      void refreshList();
      void refreshSearch();
      void reloadOpenStory({ rulesChanged: true });
    },
    onMenuCommand: runCommand,
  });
}
