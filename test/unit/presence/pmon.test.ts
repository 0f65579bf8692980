import { describe, expect, it } from 'vitest';
import { parseGpuIndexes, parsePmon } from '../../../electron/agent/presence/pmon';

describe('parsePmon', () => {
  it('reads the R535+ layout (jpg, ofa) by its header, with names holding spaces', () => {
    const out = [
      '# gpu         pid   type     sm    mem    enc    dec    jpg    ofa    command',
      '# Idx           #    C/G      %      %      %      %      %      %    name',
      '    0       2364     G      -      -      -      -      -      -    Xorg',
      '    0       3120     G     41      9      -      -      -      -    eldenring.exe',
      '    1       5120   C+G     12      3      -      -      -      -    Web Content',
    ].join('\n');
    expect(parsePmon(out)).toEqual([
      { gpuIndex: 0, pid: 2364, type: 'G', smPercent: 0, name: 'Xorg' },
      { gpuIndex: 0, pid: 3120, type: 'G', smPercent: 41, name: 'eldenring.exe' },
      { gpuIndex: 1, pid: 5120, type: 'C+G', smPercent: 12, name: 'Web Content' },
    ]);
  });

  it('reads the older layout and an `-s um` layout with fb first', () => {
    const old = '# gpu        pid  type    sm   mem   enc   dec   command\n# Idx          #   C/G     %     %     %     %   name\n    0       1650     C    97    40     -     -   python3\r\n';
    expect(parsePmon(old)).toEqual([{ gpuIndex: 0, pid: 1650, type: 'C', smPercent: 97, name: 'python3' }]);
    const um = '# gpu        pid  type    fb    sm   mem   enc   dec   command\n# Idx          #   C/G    MB     %     %     %     %   name\n    0       1650     G  2300    55    20     -     -   game\n';
    expect(parsePmon(um)).toEqual([{ gpuIndex: 0, pid: 1650, type: 'G', smPercent: 55, name: 'game' }]);
  });

  it('no processes (a line of dashes), no header, or a message: nothing', () => {
    expect(parsePmon('# gpu        pid  type    sm   mem   enc   dec   command\n# Idx          #   C/G     %     %     %     %   name\n    0          -     -     -     -     -     -   -\n')).toEqual([]);
    expect(parsePmon('')).toEqual([]);
    expect(parsePmon("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n")).toEqual([]);
  });
});

describe('parseGpuIndexes', () => {
  it('maps index to UUID, MIG included, skipping other lines', () => {
    expect([...parseGpuIndexes('0, GPU-aaaa\n1, MIG-bbbb\nNo devices were found\n')]).toEqual([
      [0, 'GPU-aaaa'],
      [1, 'MIG-bbbb'],
    ]);
  });
});
