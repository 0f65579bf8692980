/** Parses the owner's disk budget for job images: whole GiB, 1 to 4096. */
export function parseImageBudget(text: string): { ok: true; gib: number } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return { ok: false, message: 'Enter a whole number of GiB, for example 40.' };
  const gib = Number(trimmed);
  if (gib < 1) return { ok: false, message: 'Keep at least 1 GiB: most job images are several GiB.' };
  if (gib > 4096) return { ok: false, message: 'At most 4096 GiB.' };
  return { ok: true, gib };
}
