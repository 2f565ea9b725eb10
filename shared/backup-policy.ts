/**
 * How long library backups last, and how often they are taken while a library is open: the
 * numbers the store applies (electron/store/backups.ts, maintenance.ts) and the Backups dialog
 * says in words.
 */

export interface BackupPolicy {
  /** The newest backups kept whatever their age. */
  keepLast: number;
  /** Beyond those, the newest backup of each of this many most recent days. */
  keepDaily: number;
  /** Beyond those, the newest backup of each of this many most recent weeks. */
  keepWeekly: number;
}

export const DEFAULT_BACKUP_POLICY: BackupPolicy = { keepLast: 10, keepDaily: 14, keepWeekly: 8 };

/** While a library is open and changing, the longest a change waits for an automatic backup. */
export const AUTOMATIC_BACKUP_INTERVAL_MS = 30 * 60_000;

/** The policy in words: "the newest 10, then one a day for 14 days, then one a week for 8 weeks". */
export function describeBackupPolicy(policy: BackupPolicy = DEFAULT_BACKUP_POLICY): string {
  return `the newest ${policy.keepLast}, then one a day for ${policy.keepDaily} days, then one a week for ${policy.keepWeekly} weeks`;
}
