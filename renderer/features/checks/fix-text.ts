/**
 * The agent sends each fix as plain text. Commands are recognised so they can be shown
 * as code with a Copy button: fenced ``` blocks, lines starting with a prompt (`$ `,
 * `# `, `PS> `, `> `, which is stripped) and lines indented by four spaces or a tab.
 * Everything else is prose, where `inline code` is kept.
 */
export type FixPart = { kind: 'text'; text: string } | { kind: 'command'; text: string };

const PROMPT = /^\s*(?:\$|#|PS>|>)\s+/;
const INDENTED = /^(?: {4}|\t)/;

export function parseFix(fix: string): FixPart[] {
  const parts: FixPart[] = [];
  const push = (kind: FixPart['kind'], line: string) => {
    const last = parts[parts.length - 1];
    if (last && last.kind === kind) last.text += `\n${line}`;
    else parts.push({ kind, text: line });
  };

  let fenced = false;
  let fence: string[] = [];
  for (const line of fix.replace(/\r\n/g, '\n').split('\n')) {
    if (line.trim().startsWith('```')) {
      if (fenced) parts.push({ kind: 'command', text: fence.join('\n') });
      fenced = !fenced;
      fence = [];
      continue;
    }
    if (fenced) fence.push(line);
    else if (PROMPT.test(line)) push('command', line.replace(PROMPT, ''));
    else if (INDENTED.test(line) && line.trim() !== '') push('command', line.trim());
    else if (line.trim() !== '') push('text', line.trim());
  }
  if (fenced && fence.length > 0) parts.push({ kind: 'command', text: fence.join('\n') });
  return parts.filter((part) => part.text.trim() !== '');
}

/** Splits prose on `backticks` into plain and code runs. */
export function splitInlineCode(text: string): { code: boolean; text: string }[] {
  return text
    .split(/(`[^`]+`)/)
    .filter((run) => run !== '')
    .map((run) =>
      run.startsWith('`') && run.endsWith('`') && run.length > 2
        ? { code: true, text: run.slice(1, -1) }
        : { code: false, text: run },
    );
}
