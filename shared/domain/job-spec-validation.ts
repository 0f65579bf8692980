/**
 * The gate every job spec passes before anything runs. JobSpecSchema (strict) already
 * bounds every field; this adds what a schema cannot say, and turns every refusal into a
 * sentence the owner and the requester can act on ("\"privileged\" is not allowed: jobs
 * never get extra privileges"), naming the field and the bound.
 *
 * Why each rule exists (sandbox.md sections 3, 4 and 6, attack 16):
 * - unknown keys anywhere: the spec is an allow-list; a request for privileges, host
 *   folders, devices, host namespaces or another runtime is refused, never ignored, so
 *   the requester learns it will not happen;
 * - NVIDIA_* / CUDA_VISIBLE_DEVICES: RigShift picks the GPU and the driver capabilities;
 *   LD_*: the dynamic loader's variables reached the toolkit's host-privileged hooks
 *   (CVE-2025-23266 "NVIDIAScape": LD_PRELOAD gave host root);
 * - input URLs: the agent fetches inputs itself, from the owner's PC, so a URL aimed at
 *   loopback, the LAN or cloud metadata would be a server-side request forgery.
 *   Host names are resolved by the fetcher, which must check the resolved addresses with
 *   nonPublicAddressKind (DNS can point a public-looking name at 192.168.x).
 */
import type { z } from 'zod';
import { type AddressPolicy, addressRefusal, nonPublicAddressKind, PUBLIC_ONLY as PUBLIC_ADDRESSES_ONLY } from './address-policy';
import { JobResourcesSchema, JobSpecSchema, type JobSpec } from './job';

// Address classification lives in address-policy.ts; these names stay for their users.
export { NON_PUBLIC_IPV4_RANGES, nonPublicAddressKind } from './address-policy';

export type JobSpecValidation = { ok: true; spec: JobSpec } | { ok: false; reasons: string[] };

export const ENV_MAX_ENTRIES = 256;
export const ENV_MAX_TOTAL_BYTES = 64 * 1024;
/** A pathological spec could yield thousands of reasons; the first ones say enough. */
export const MAX_REASONS = 50;

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export interface JobSpecValidationOptions {
  /**
   * Which registry hosts an image may name (default: public only). A local registry only
   * through the owner's explicit setting, or a test's.
   */
  registryPolicy?: AddressPolicy;
}

export function validateJobSpec(raw: unknown, options: JobSpecValidationOptions = {}): JobSpecValidation {
  const parsed = JobSpecSchema.safeParse(raw);
  const reasons = parsed.success ? [] : parsed.error.issues.flatMap((issue) => issueReasons(issue, raw));
  if (isRecord(raw)) {
    if (typeof raw.image === 'string') {
      const reason = imageRegistryReason(raw.image, options.registryPolicy ?? PUBLIC_ADDRESSES_ONLY);
      if (reason) reasons.push(reason);
    }
    if (isRecord(raw.env)) reasons.push(...envReasons(raw.env));
    if (Array.isArray(raw.inputs)) reasons.push(...inputReasons(raw.inputs));
    if (isRecord(raw.resources)) reasons.push(...resourceReasons(raw.resources));
  }
  const unique = [...new Set(reasons)];
  if (unique.length === 0 && parsed.success) return { ok: true, spec: parsed.data };
  if (unique.length === 0) return { ok: false, reasons: ['the job spec is not valid'] };
  return { ok: false, reasons: capReasons(unique) };
}

function capReasons(reasons: string[]): string[] {
  if (reasons.length <= MAX_REASONS) return reasons;
  const more = reasons.length - (MAX_REASONS - 1);
  return [...reasons.slice(0, MAX_REASONS - 1), `... and ${more} more problems`];
}

// ---------------------------------------------------------------------------------------
// Keys outside the allow-list

/** Why a key a requester might try is refused; matched case- and separator-insensitively. */
const FORBIDDEN_KEY_REASONS: ReadonlyArray<[readonly string[], string]> = [
  [['privileged'], 'jobs never get extra privileges'],
  [['binds', 'mounts', 'volumes', 'volumesfrom', 'volume', 'mount', 'hostpath', 'hostpaths'], 'jobs get no host folders'],
  [['tmpfs', 'storageopt', 'shmsize'], 'the job\'s writable space is /scratch, sized by "resources.scratchMiB"'],
  [['devices', 'device', 'devicerequests', 'devicecgrouprules', 'gpudevices'], 'jobs get no host devices; RigShift assigns the GPU'],
  [['gpus', 'gpu'], 'GPUs are requested with "resources.gpus"'],
  [['capadd', 'capabilities', 'caps', 'capdrop'], 'jobs get no Linux capabilities'],
  [['networkmode', 'hostnetwork', 'net', 'networkdisabled', 'networkingconfig'], 'the network is chosen with "network": "none" or "egress"'],
  [['ports', 'portbindings', 'publishallports', 'exposedports', 'expose', 'publish'], 'jobs cannot publish ports on the owner\'s PC'],
  [['dns', 'dnssearch', 'dnsoptions', 'extrahosts', 'hostname', 'domainname', 'links'], 'name resolution and host names are set by RigShift'],
  [['runtime', 'ociruntime', 'isolation'], 'the sandbox runtime is chosen by the owner\'s RigShift'],
  [['user', 'uid', 'gid', 'groupadd', 'usernsmode'], 'jobs always run as RigShift\'s unprivileged user'],
  [['securityopt', 'seccomp', 'apparmor', 'selinux', 'nonewprivileges', 'maskedpaths', 'readonlypaths'], 'the security profile is fixed by RigShift'],
  [['pidmode', 'ipcmode', 'utsmode', 'cgroupnsmode', 'cgroup', 'cgroupparent', 'hostpid', 'hostipc'], 'jobs never share the host\'s namespaces or cgroups'],
  [['sysctls', 'sysctl', 'kernelmemory'], 'jobs cannot change kernel settings'],
  [['ulimits', 'pidslimit', 'memoryswap', 'memoryswappiness', 'oomkilldisable', 'oomscoreadj', 'nanocpus', 'cpuquota', 'cpuperiod', 'cpusetcpus', 'cpushares', 'memory'], 'limits are set by RigShift from "resources"'],
  [['readonlyrootfs'], 'the image\'s root filesystem is always read-only'],
  [['hostconfig', 'config', 'createoptions', 'docker', 'dockeroptions'], 'container settings are chosen by RigShift, never by the job'],
  [['restartpolicy', 'autoremove', 'init'], 'the container\'s lifecycle is managed by RigShift'],
  [['logconfig', 'logdriver'], 'logs are kept by RigShift with its own size limits'],
  [['labels', 'label'], 'container labels are set by RigShift'],
  [['workingdir', 'workdir'], 'jobs start in /workspace'],
];

const normalizeKey = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

function unknownKeyReason(key: string, path: readonly PropertyKey[]): string {
  const name = formatPath([...path, key]);
  const normalized = normalizeKey(key);
  const known = FORBIDDEN_KEY_REASONS.find(([keys]) => keys.includes(normalized));
  return `"${name}" is not allowed: ${known ? known[1] : 'it is not a job spec field'}`;
}

// ---------------------------------------------------------------------------------------
// Schema issues, as sentences

type Issue = z.core.$ZodIssue;

function issueReasons(issue: Issue, raw: unknown): string[] {
  const path = issue.path;
  const field = formatPath(path);
  const value = valueAt(raw, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => unknownKeyReason(key, path));
    case 'invalid_type':
      return [typeReason(field, issue.expected, value)];
    case 'too_big':
      return [tooBigReason(field, issue.origin, Number(issue.maximum), issue.inclusive !== false, value)];
    case 'too_small':
      return [tooSmallReason(field, issue.origin, Number(issue.minimum), issue.inclusive !== false, value)];
    case 'invalid_value':
      return [`${field} must be ${orList(issue.values.map((v) => JSON.stringify(v)))}${field === 'version' ? ' (the job spec version this RigShift understands)' : ''}`];
    case 'invalid_format':
      if (issue.format === 'url') return [`${field} is not a valid URL`];
      return [`${field}: ${issue.message}`];
    default:
      return [`${field || 'the job spec'}: ${issue.message}`];
  }
}

const EXPECTED_WORDS: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'text (a string)',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  record: 'an object',
};

function typeReason(field: string, expected: string, value: unknown): string {
  if (field === '') return 'the job spec must be a JSON object';
  if (value === undefined) return `${field} is missing`;
  if (typeof value === 'number' && !Number.isFinite(value)) return `${field} must be a finite number`;
  return `${field} must be ${EXPECTED_WORDS[expected] ?? expected}`;
}

function tooBigReason(field: string, origin: string, max: number, inclusive: boolean, value: unknown): string {
  if (field === 'resources.gpus') return `resources.gpus is ${show(value)}; a job gets at most ${max} GPU`;
  if (origin === 'string') return `${field} is ${lengthOf(value)} characters long; the limit is ${max}`;
  if (origin === 'array') return `${field} has ${lengthOf(value)} entries; the limit is ${max}`;
  const unit = unitOf(field);
  const bound = inclusive ? `the most allowed is ${withUnit(max, unit)}` : `it must be less than ${withUnit(max, unit)}`;
  return `${field} is ${withUnit(value, unit)}; ${bound}`;
}

function tooSmallReason(field: string, origin: string, min: number, inclusive: boolean, value: unknown): string {
  if (origin === 'string') return min === 1 ? `${field} must not be empty` : `${field} must be at least ${min} characters long`;
  if (origin === 'array') return `${field} needs at least ${min} entries`;
  const unit = unitOf(field);
  const bound = inclusive ? `the least allowed is ${withUnit(min, unit)}` : `it must be more than ${withUnit(min, unit)}`;
  return `${field} is ${withUnit(value, unit)}; ${bound}`;
}

function unitOf(field: string): string {
  if (field.endsWith('MiB')) return 'MiB';
  if (field.endsWith('Bytes')) return 'bytes';
  if (field.endsWith('Seconds')) return 'seconds';
  return '';
}

const withUnit = (value: unknown, unit: string) => (unit ? `${show(value)} ${unit}` : show(value));

const lengthOf = (value: unknown) => (typeof value === 'string' || Array.isArray(value) ? value.length : '?');

function orList(items: string[]): string {
  if (items.length <= 1) return items[0] ?? 'nothing';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

// ---------------------------------------------------------------------------------------
// Environment

/**
 * Why a job may not set this variable (RigShift sets it, or it steers the host's NVIDIA
 * hooks or the dynamic loader), or null when it may. The container builder drops these too.
 */
export function refusedEnvReason(name: string): string | null {
  if (name === 'NVIDIA_VISIBLE_DEVICES' || name === 'NVIDIA_DRIVER_CAPABILITIES') {
    return `env ${name} is set by RigShift, not by the job`;
  }
  if (name.startsWith('NVIDIA_')) {
    return `env ${name} is not allowed: NVIDIA_* variables configure the host's NVIDIA container hooks`;
  }
  if (name === 'CUDA_VISIBLE_DEVICES') return `env ${name} is not allowed: RigShift chooses the GPU the job sees`;
  if (name.startsWith('LD_')) {
    return `env ${name} is not allowed: loader variables can inject code into the host's NVIDIA hooks (CVE-2025-23266)`;
  }
  // JSON.parse makes "__proto__" an own key that object spreads and zod silently drop.
  if (name === '__proto__') return 'env __proto__ is not allowed';
  return null;
}

function envReasons(env: Record<string, unknown>): string[] {
  const reasons: string[] = [];
  const names = Object.keys(env);
  if (names.length > ENV_MAX_ENTRIES) {
    reasons.push(`the environment has ${names.length} variables; the limit is ${ENV_MAX_ENTRIES}`);
  }
  const encoder = new TextEncoder();
  let totalBytes = 0;
  for (const name of names) {
    const value = env[name];
    if (!ENV_NAME.test(name)) {
      reasons.push(
        `env name ${quote(name)} is not valid: use letters, digits and "_", not starting with a digit, at most 128 characters`,
      );
    } else {
      const refused = refusedEnvReason(name);
      if (refused) reasons.push(refused);
    }
    if (typeof value === 'string') {
      if (value.includes('\0')) reasons.push(`env ${shortName(name)} contains a NUL character`);
      // What execve receives: "NAME=value\0" per variable.
      totalBytes += encoder.encode(`${name}=${value}`).length + 1;
    }
  }
  if (totalBytes > ENV_MAX_TOTAL_BYTES) {
    reasons.push(`the environment is ${Math.ceil(totalBytes / 1024)} KiB; the limit is ${ENV_MAX_TOTAL_BYTES / 1024} KiB`);
  }
  return reasons;
}

// ---------------------------------------------------------------------------------------
// Inputs

function inputReasons(inputs: unknown[]): string[] {
  const reasons: string[] = [];
  const seen = new Set<string>();
  const duplicated = new Set<string>();
  inputs.forEach((input, index) => {
    if (!isRecord(input)) return;
    if (typeof input.name === 'string') {
      if (seen.has(input.name)) duplicated.add(input.name);
      seen.add(input.name);
    }
    if (typeof input.url === 'string') {
      const reason = inputUrlReason(input.url);
      if (reason) reasons.push(`inputs[${index}].url ${reason}`);
    }
  });
  for (const name of duplicated) {
    reasons.push(`input name ${quote(name)} is used more than once: each input needs its own file name`);
  }
  return reasons;
}

const PUBLIC_ONLY = 'inputs are downloaded by the owner\'s PC and must come from the public internet';

function inputUrlReason(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null; // the schema already said it is not a valid URL
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `must use http or https, not ${quote(url.protocol.replace(/:$/, ''))}`;
  }
  if (url.username || url.password) return 'must not carry a user name or password';
  // The URL parser has already turned 0x7f.1, 2130706433 and friends into dotted quads.
  const host = url.hostname.replace(/\.$/, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return `points at ${host}, this machine: ${PUBLIC_ONLY}`;
  const address = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const kind = nonPublicAddressKind(address);
  return kind ? `points at ${address}, ${/^(un[^i]|[aeio])/.test(kind) ? 'an' : 'a'} ${kind} address: ${PUBLIC_ONLY}` : null;
}

// ---------------------------------------------------------------------------------------
// Image registry

/**
 * The registry part of an image reference (Docker's rule: the first path component, when
 * it has a "." or a ":" or is "localhost"), or null for Docker Hub.
 */
export function imageRegistryHost(image: string): string | null {
  const name = image.split('@')[0] ?? '';
  const slash = name.indexOf('/');
  if (slash === -1) return null;
  const first = name.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : null;
}

/**
 * The owner's Docker engine pulls the image, from the owner's network: a registry on
 * loopback or the LAN would be contacted by dockerd for a stranger (GET /v2/ ... reached
 * local services in the attack run). Refused here, before any engine call; a name is
 * resolved and judged again right before the pull (image-puller.ts).
 */
function imageRegistryReason(image: string, policy: AddressPolicy): string | null {
  const registry = imageRegistryHost(image);
  if (!registry) return null;
  let host: string;
  try {
    // The URL parser turns 0x7f.1, 2130706433 and friends into the dotted quad dockerd's
    // resolver would also reach.
    host = new URL(`http://${registry}/`).hostname.replace(/\.$/, '');
  } catch {
    return `image names the registry ${quote(registry)}, which is not a valid host`;
  }
  const refuse = 'jobs may only pull from public registries';
  if ((host === 'localhost' || host.endsWith('.localhost')) && !policy.allowLoopback) {
    return `image names the registry ${quote(registry)}, this machine: ${refuse}`;
  }
  const kind = addressRefusal(host, policy);
  return kind ? `image names the registry ${quote(registry)}, ${/^(un[^i]|[aeio])/.test(kind) ? 'an' : 'a'} ${kind} address: ${refuse}` : null;
}

// ---------------------------------------------------------------------------------------
// Resources

/** Cross-field rules; each needs both fields valid on their own (else the schema said so). */
function resourceReasons(resources: Record<string, unknown>): string[] {
  const reasons: string[] = [];
  const valid = (field: keyof typeof JobResourcesSchema.shape): number | null => {
    const parsed = JobResourcesSchema.shape[field].safeParse(resources[field]);
    return parsed.success ? parsed.data : null;
  };
  const [gpus, minVramMiB, memoryMiB, scratchMiB] = [valid('gpus'), valid('minVramMiB'), valid('memoryMiB'), valid('scratchMiB')];
  if (gpus === 0 && minVramMiB !== null && minVramMiB > 0) {
    reasons.push(`resources.minVramMiB is ${minVramMiB} MiB but resources.gpus is 0: a CPU job cannot ask for GPU memory`);
  }
  if (memoryMiB !== null && scratchMiB !== null && memoryMiB < scratchMiB) {
    reasons.push(
      `resources.memoryMiB (${memoryMiB} MiB) is smaller than resources.scratchMiB (${scratchMiB} MiB): /scratch is held in memory and counts against the memory limit`,
    );
  }
  return reasons;
}

// ---------------------------------------------------------------------------------------
// Small helpers

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** inputs[2].url, env.HOME, env["bad name"]. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && key.length <= 64) out += out ? `.${key}` : key;
    else out += `[${quote(String(key))}]`;
  }
  return out;
}

/** A requester-chosen string, quoted and cut short so a reason stays one readable line. */
function quote(text: string): string {
  const cut = text.length > 64 ? `${text.slice(0, 61)}...` : text;
  return JSON.stringify(cut);
}

const shortName = (name: string) => (ENV_NAME.test(name) ? name : quote(name));

function show(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return quote(value);
  return JSON.stringify(value) ?? String(value);
}
