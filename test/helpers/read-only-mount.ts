/**
 * A folder made read-only by a read-only bind mount: unlike file permissions, it holds for root
 * too (writes fail with EROFS), which is how the tests, run as root, meet a read-only library in
 * their own process. Linux only, and only where mounting is permitted.
 */
import { execFileSync } from 'node:child_process';
import { freshFolder } from './library';

/** Why bind mounts cannot be used here, or undefined when they can. */
export function whyNoBindMount(): string | undefined {
  if (process.platform !== 'linux') return 'bind mounts are Linux only';
  const probe = freshFolder('storydesk-mount-probe-');
  try {
    execFileSync('mount', ['--bind', probe, probe], { stdio: 'pipe' });
    execFileSync('umount', [probe]);
    return undefined;
  } catch {
    return 'mounting is not permitted here';
  }
}

/** Makes `folder` read-only in place until `release` (or writable again with `makeWritable`). */
export function mountReadOnly(folder: string): { makeWritable(): void; release(): void } {
  execFileSync('mount', ['--bind', folder, folder]);
  try {
    execFileSync('mount', ['-o', 'remount,ro,bind', folder]);
  } catch (error) {
    execFileSync('umount', [folder]);
    throw error;
  }
  return {
    makeWritable: () => execFileSync('mount', ['-o', 'remount,rw,bind', folder]),
    release: () => execFileSync('umount', [folder]),
  };
}
