/**
 * Every container RigShift creates carries the pid of the agent that owns it. At start a
 * long-running agent removes containers left by agents that are gone (a crash, a power
 * cut), but never those of another agent still running on this machine (the desktop app
 * and a `rigshift bench` in a terminal, say).
 */
export const MANAGED_LABEL = 'io.rigshift.managed';
export const OWNER_PID_LABEL = 'io.rigshift.owner-pid';

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the container's owning agent is gone (or unknown), so it is an orphan. */
export function isOrphan(labels: Record<string, string>, alive: (pid: number) => boolean, selfPid: number): boolean {
  const pid = Number(labels[OWNER_PID_LABEL]);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  return pid !== selfPid && !alive(pid);
}
