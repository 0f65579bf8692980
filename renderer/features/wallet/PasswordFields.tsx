interface Props {
  password: string;
  repeat: string;
  onPassword(value: string): void;
  onRepeat(value: string): void;
  testId: string;
}

/** A new password, typed twice. Returns nothing: callers check with newPasswordProblem. */
export function PasswordFields({ password, repeat, onPassword, onRepeat, testId }: Props) {
  const problem = newPasswordProblem(password, repeat);
  return (
    <>
      <label className="field">
        <span className="field-label">Password for this wallet</span>
        <input type="password" autoComplete="new-password" value={password} onChange={(e) => onPassword(e.target.value)} data-testid={`${testId}-password`} />
        <span className="field-help">At least 8 characters. It encrypts the wallet file on this computer; RigShift cannot recover it.</span>
      </label>
      <label className="field">
        <span className="field-label">Repeat the password</span>
        <input type="password" autoComplete="new-password" value={repeat} onChange={(e) => onRepeat(e.target.value)} data-testid={`${testId}-password-repeat`} />
      </label>
      {password && repeat && problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
    </>
  );
}

export function newPasswordProblem(password: string, repeat: string): string | null {
  if (password.length < 8) return 'Use at least 8 characters.';
  if (password !== repeat) return 'The two passwords differ.';
  return null;
}
