import { describe, expect, it } from 'vitest';
import {
  applyWorkloadLine,
  emptyTranscript,
  judgeWorkloadRun,
  parseWorkloadLine,
  parseWorkloadOutput,
} from '../../../electron/agent/benchmark/workload-protocol';

const hello = '{"type":"hello","protocol":1,"workload":"cpu-bench","version":"1.0.0","kind":"cpu","device":{"name":"Xeon","threads":2},"quick":true}';
const full = [
  hello,
  '{"type":"phase","phase":"cpu_fp32","label":"CPU FP32 matrix multiply","index":1,"total":3}',
  '{"type":"progress","fraction":0.25}',
  '{"type":"metric","id":"cpu_fp32_gflops","label":"CPU FP32 SGEMM","unit":"GFLOP/s","value":75.1,"burst":76,"sustained":74.2,"windows":15}',
  '{"type":"phase","phase":"cpu_memory","label":"CPU memory bandwidth","index":2,"total":3}',
  '{"type":"metric","id":"cpu_mem_bw_gbps","label":"CPU memory copy","unit":"GB/s","value":17,"windows":15}',
  '{"type":"integrity","name":"ram-pattern","bytesChecked":134217728,"errors":0}',
  '{"type":"progress","fraction":1}',
  '{"type":"done","elapsedMs":3724}',
].join('\n');

describe('parseWorkloadLine', () => {
  it.each([
    ['{"type":"progress","fraction":0.42}', { type: 'progress', fraction: 0.42 }],
    ['  {"type":"done"}  ', { type: 'done' }],
    ['{"type":"error","code":"cuda_error","message":"boom"}', { type: 'error', code: 'cuda_error', message: 'boom' }],
    ['{"type":"log","message":"BF16 skipped"}', { type: 'log', message: 'BF16 skipped' }],
  ])('parses %s', (line, expected) => {
    expect(parseWorkloadLine(line)).toEqual(expected);
  });

  it.each([
    ['plain text', 'Segmentation fault'],
    ['broken JSON', '{"type":"progress","fraction":'],
    ['unknown type', '{"type":"party"}'],
    ['fraction out of range', '{"type":"progress","fraction":1.5}'],
    ['unknown metric id', '{"type":"metric","id":"fp64_tflops","label":"x","unit":"TFLOP/s","value":1}'],
    ['negative metric', '{"type":"metric","id":"fp32_tflops","label":"x","unit":"TFLOP/s","value":-1}'],
    ['JSON array', '[1,2]'],
  ])('rejects %s', (_what, line) => {
    expect(parseWorkloadLine(line)).toBeNull();
  });
});

describe('parseWorkloadOutput', () => {
  it('folds a complete run into metrics, integrity and done', () => {
    const t = parseWorkloadOutput(full);
    expect(t.hello?.device.name).toBe('Xeon');
    expect(t.done).toBe(true);
    expect(t.fraction).toBe(1);
    expect(t.garbageLines).toBe(0);
    expect(t.metrics).toEqual([
      { id: 'cpu_fp32_gflops', label: 'CPU FP32 SGEMM', unit: 'GFLOP/s', value: 75.1, burst: 76, sustained: 74.2 },
      { id: 'cpu_mem_bw_gbps', label: 'CPU memory copy', unit: 'GB/s', value: 17 },
    ]);
    expect(t.integrity).toEqual([{ name: 'ram-pattern', bytesChecked: 134217728, errors: 0, ok: true }]);
    expect(judgeWorkloadRun(t, { exitCode: 0, oomKilled: false })).toBeNull();
  });

  it('ignores but counts garbage lines between messages (blank lines are not garbage)', () => {
    const noisy = full.split('\n');
    noisy.splice(2, 0, 'WARNING: something on stdout', '', '{not json', '\u0000\u0001');
    const t = parseWorkloadOutput(noisy.join('\r\n'));
    expect(t.garbageLines).toBe(3);
    expect(t.metrics).toHaveLength(2);
    expect(judgeWorkloadRun(t, { exitCode: 0, oomKilled: false })).toBeNull();
  });

  it('never lets progress go backwards', () => {
    const t = emptyTranscript();
    applyWorkloadLine(t, '{"type":"progress","fraction":0.6}');
    applyWorkloadLine(t, '{"type":"progress","fraction":0.2}');
    expect(t.fraction).toBe(0.6);
  });

  it('marks an integrity check with errors as not ok', () => {
    const t = parseWorkloadOutput('{"type":"integrity","name":"vram-pattern","bytesChecked":1024,"errors":3}');
    expect(t.integrity[0]).toEqual({ name: 'vram-pattern', bytesChecked: 1024, errors: 3, ok: false });
  });
});

describe('judgeWorkloadRun', () => {
  it('fails a truncated run (no done) with a clear error', () => {
    const truncated = full.split('\n').slice(0, 4).join('\n') + '\n{"type":"metric","id":"cpu_mem';
    const t = parseWorkloadOutput(truncated);
    const error = judgeWorkloadRun(t, { exitCode: 139, oomKilled: false }, ['Segmentation fault']);
    expect(error?.code).toBe('benchmark_incomplete');
    expect(error?.message).toContain('stopped before it finished');
    expect(error?.message).toContain('exit code 139');
    expect(error?.message).toContain('Segmentation fault');
    expect(t.garbageLines).toBe(1);
  });

  it('reports the workload error first', () => {
    const t = parseWorkloadOutput(`${hello}\n{"type":"error","code":"no_cuda_device","message":"no CUDA device"}`);
    const error = judgeWorkloadRun(t, { exitCode: 1, oomKilled: false });
    expect(error).toMatchObject({ code: 'benchmark_no_gpu' });
    expect(error?.message).toContain('no CUDA device');
    expect(error?.hint).toContain('NVIDIA Container Toolkit');
  });

  it('maps an OOM kill', () => {
    expect(judgeWorkloadRun(parseWorkloadOutput(full), { exitCode: 137, oomKilled: true })?.code).toBe('benchmark_out_of_memory');
  });

  it('fails a done run with a non-zero exit code or without metrics', () => {
    expect(judgeWorkloadRun(parseWorkloadOutput(full), { exitCode: 2, oomKilled: false })?.code).toBe('benchmark_incomplete');
    expect(judgeWorkloadRun(parseWorkloadOutput(`${hello}\n{"type":"done"}`), { exitCode: 0, oomKilled: false })?.code).toBe(
      'benchmark_no_results',
    );
  });

  it('rejects another protocol version', () => {
    const t = parseWorkloadOutput(full.replace('"protocol":1', '"protocol":2'));
    expect(judgeWorkloadRun(t, { exitCode: 0, oomKilled: false })?.code).toBe('benchmark_protocol_mismatch');
  });
});
