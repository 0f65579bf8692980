/** Joins the class names that are set: `cx(styles.tile, busy && styles.busy)`. */
export function cx(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(' ');
}
