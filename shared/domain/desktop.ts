import { z } from 'zod';

/**
 * Desktop notification kinds; each can be muted (settings.desktop.mutedNotifications holds
 * these strings). Problems are only the ones the owner must act on.
 */
export const NotificationKindSchema = z.enum(['job-won', 'job-finished', 'payout', 'driver', 'docker', 'low-gas']);
export type NotificationKind = z.infer<typeof NotificationKindSchema>;

export const NOTIFICATION_KINDS: readonly { kind: NotificationKind; label: string }[] = [
  { kind: 'job-won', label: 'A job was won (claimed on the market)' },
  { kind: 'job-finished', label: 'A job finished, with what it paid' },
  { kind: 'payout', label: 'A payout reached your wallet' },
  { kind: 'driver', label: 'The NVIDIA driver needs attention' },
  { kind: 'docker', label: 'Docker needs attention' },
  { kind: 'low-gas', label: 'The wallet is low on gas' },
];

/** One component's version, or why it is not known ("not installed", "not reachable"). */
export const ComponentVersionSchema = z.object({
  name: z.string(),
  version: z.string().nullable(),
  /** Where it came from or why it is missing, in words. */
  note: z.string().nullable(),
});
export type ComponentVersion = z.infer<typeof ComponentVersionSchema>;

/** The About page: every version a support request needs. */
export const AboutSchema = z.object({
  app: z.object({ name: z.string(), version: z.string(), mode: z.enum(['electron', 'headless']) }),
  components: z.array(ComponentVersionSchema),
  /** The chain the agent works on, when known. */
  network: z.object({ label: z.string(), chainId: z.number().int().nullable(), detail: z.string().nullable() }),
  dataDir: z.string(),
});
export type About = z.infer<typeof AboutSchema>;
