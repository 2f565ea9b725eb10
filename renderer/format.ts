/** How the workbench writes times and statuses for an editor. */
import type { StoryStatus } from '../shared/model';

const TIME_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatTime(timestamp: string): string {
  const date = new Date(timestamp);
  return Number.isNaN(date.getTime()) ? timestamp : TIME_FORMAT.format(date);
}

export const STATUS_LABELS: Record<StoryStatus, string> = { draft: 'Draft', review: 'In review', published: 'Published' };

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
