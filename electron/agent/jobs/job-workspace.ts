/**
 * A job's folder in the data dir:
 *   <dataDir>/jobs/<jobId>/            0700, the agent's; holds `owner-pid`
 *   <dataDir>/jobs/<jobId>/in/         inputs, mounted read-only at /workspace/in
 *   <dataDir>/jobs/<jobId>/out/        mounted read-write at /workspace/out for the job user
 *   <dataDir>/jobs/<jobId>/results/    the hashed outputs, copied out after the job (kept)
 *   <dataDir>/jobs/<jobId>.log         the kept log lines (kept)
 * in/ and out/ are removed at the end of every job. results/ and the log stay until the
 * marketplace has uploaded them (it deletes the job folder then); see removeJobResults.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from '../containers/owner-label';

/** Job ids become folder and container names: a strict shape, checked before any use. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export interface JobWorkspace {
  root: string;
  inputsDir: string;
  outputsDir: string;
  resultsDir: string;
  logFile: string;
}

export const jobsDir = (dataDir: string) => join(dataDir, 'jobs');

export function workspacePaths(dataDir: string, jobId: string): JobWorkspace {
  if (!JOB_ID_PATTERN.test(jobId)) throw new Error(`Invalid job id "${jobId}".`);
  const root = join(jobsDir(dataDir), jobId);
  return {
    root,
    inputsDir: join(root, 'in'),
    outputsDir: join(root, 'out'),
    resultsDir: join(root, 'results'),
    logFile: join(jobsDir(dataDir), `${jobId}.log`),
  };
}

/** `uid:gid` of the job user, as numbers (names cannot be resolved on the host). */
export function parseJobUser(user: string): { uid: number; gid: number } | null {
  const m = /^(\d+)(?::(\d+))?$/.exec(user);
  return m ? { uid: Number(m[1]), gid: Number(m[2] ?? m[1]) } : null;
}

/**
 * Creates a fresh workspace. out/ must be writable by the job's user: as root we hand it
 * to that uid; otherwise (a desktop user in the docker group) it is made world-writable,
 * which is safe because its 0700 parent keeps every other host user out.
 */
export function createWorkspace(dataDir: string, jobId: string, jobUser: string): JobWorkspace {
  const ws = workspacePaths(dataDir, jobId);
  mkdirSync(jobsDir(dataDir), { recursive: true, mode: 0o700 });
  rmSync(ws.root, { recursive: true, force: true });
  mkdirSync(ws.root, { mode: 0o700 });
  writeFileSync(join(ws.root, 'owner-pid'), String(process.pid), { mode: 0o600 });
  mkdirSync(ws.inputsDir, { mode: 0o755 });
  mkdirSync(ws.outputsDir, { mode: 0o700 });
  const owner = parseJobUser(jobUser);
  if (owner && typeof process.getuid === 'function' && process.getuid() === 0) {
    chownSync(ws.outputsDir, owner.uid, owner.gid);
  } else {
    chmodSync(ws.outputsDir, 0o777);
  }
  return ws;
}

/** Removes in/ and out/ (and the folder itself when nothing was kept in it). */
export function removeWorkArea(ws: JobWorkspace): void {
  rmSync(ws.inputsDir, { recursive: true, force: true });
  rmSync(ws.outputsDir, { recursive: true, force: true });
  rmSync(join(ws.root, 'owner-pid'), { force: true });
  if (existsSync(ws.root) && readdirSync(ws.root).length === 0) rmSync(ws.root, { recursive: true, force: true });
}

/** For the marketplace once it has uploaded a job's results: removes its folder and log. */
export function removeJobResults(dataDir: string, jobId: string): void {
  const ws = workspacePaths(dataDir, jobId);
  rmSync(ws.root, { recursive: true, force: true });
  rmSync(ws.logFile, { force: true });
}

function ownerAlive(root: string): boolean {
  try {
    const pid = Number(readFileSync(join(root, 'owner-pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isProcessAlive(pid);
  } catch {
    return false;
  }
}

/**
 * At agent start: removes the in/ and out/ folders of every job that is not running
 * (`activeJobIds`) and whose owning process is gone (a crash, a kill, a power cut). A job
 * of another live agent on this machine (the desktop app and a `rigshift run-job`, say)
 * is left alone. Results and logs are kept. Returns the ids cleaned.
 */
export function cleanupStaleWorkspaces(dataDir: string, activeJobIds: Iterable<string>): string[] {
  const dir = jobsDir(dataDir);
  if (!existsSync(dir)) return [];
  const active = new Set(activeJobIds);
  const cleaned: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !JOB_ID_PATTERN.test(entry.name) || active.has(entry.name)) continue;
    const ws = workspacePaths(dataDir, entry.name);
    const hasWorkArea = existsSync(ws.inputsDir) || existsSync(ws.outputsDir) || existsSync(join(ws.root, 'owner-pid'));
    if (!hasWorkArea || ownerAlive(ws.root)) continue;
    removeWorkArea(ws);
    cleaned.push(entry.name);
  }
  return cleaned;
}
