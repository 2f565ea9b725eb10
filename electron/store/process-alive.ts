/**
 * Whether a process of this machine is still running: temporary files (partial backups, libraries
 * being created) carry their writer's pid, and are abandoned once that process is gone.
 */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
