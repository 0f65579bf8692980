/** Decorative; callers say what is happening in text next to it. */
export function Spinner() {
  return <span className="spinner" aria-hidden="true" />;
}
