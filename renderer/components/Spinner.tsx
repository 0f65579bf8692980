import styles from './Spinner.module.css';

/** Decorative; callers say what is happening in text next to it. */
export function Spinner() {
  return <span className={styles.spinner} aria-hidden="true" />;
}
