import { describe, expect, it } from 'vitest';
import { defaultFixOs } from '../../../renderer/features/checks/fix-os';
import { parseFix, splitInlineCode } from '../../../renderer/features/checks/fix-text';

describe('parseFix', () => {
  it('groups prompt lines into one command and strips the prompt', () => {
    expect(parseFix('Install the toolkit:\n$ sudo apt-get install -y x\n$ sudo systemctl restart docker\nThen retry.')).toEqual([
      { kind: 'text', text: 'Install the toolkit:' },
      { kind: 'command', text: 'sudo apt-get install -y x\nsudo systemctl restart docker' },
      { kind: 'text', text: 'Then retry.' },
    ]);
  });

  it('reads fenced blocks and PowerShell prompts', () => {
    expect(parseFix('Run:\n```\nwsl --update\nwsl --shutdown\n```')).toEqual([
      { kind: 'text', text: 'Run:' },
      { kind: 'command', text: 'wsl --update\nwsl --shutdown' },
    ]);
    expect(parseFix('PS> winget install Docker.DockerDesktop')).toEqual([
      { kind: 'command', text: 'winget install Docker.DockerDesktop' },
    ]);
  });

  it('reads indented lines as commands and keeps plain prose as text', () => {
    expect(parseFix('Restart Docker:\n    sudo systemctl restart docker')).toEqual([
      { kind: 'text', text: 'Restart Docker:' },
      { kind: 'command', text: 'sudo systemctl restart docker' },
    ]);
    expect(parseFix('Install the latest driver from nvidia.com.')).toEqual([
      { kind: 'text', text: 'Install the latest driver from nvidia.com.' },
    ]);
  });

  it('splits inline code', () => {
    expect(splitInlineCode('Click `Run checks again` now')).toEqual([
      { code: false, text: 'Click ' },
      { code: true, text: 'Run checks again' },
      { code: false, text: ' now' },
    ]);
  });
});

describe('defaultFixOs', () => {
  it('follows the setting, else the agent platform', () => {
    expect(defaultFixOs('windows', 'linux')).toBe('windows');
    expect(defaultFixOs('auto', 'win32')).toBe('windows');
    expect(defaultFixOs('auto', 'linux')).toBe('linux');
    expect(defaultFixOs('auto', 'darwin')).toBe('linux');
  });
});
