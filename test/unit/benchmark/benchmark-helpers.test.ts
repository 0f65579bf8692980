import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TelemetrySample } from '../../../shared/domain/benchmark';
import { locateBenchmarkImage, readArchiveReference } from '../../../electron/agent/benchmark/image-archive';
import { MAX_TELEMETRY_SAMPLES, downsampleTelemetry } from '../../../electron/agent/benchmark/telemetry-series';
import { cpuPercentFromStats, createLineSplitter, memoryBytesFromStats } from '../../../electron/agent/docker/dockerode-runtime';
import { writeArchiveWithTag } from './archive-fixture';

describe('image archive', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rigshift-archive-'));

  it('reads RepoTags[0] from manifest.json, also behind other entries', () => {
    writeArchiveWithTag(join(dir, 'a.tar'), 'rigshift/bench-cpu:1.2.3-abc');
    writeArchiveWithTag(join(dir, 'b.tar'), 'rigshift/bench-gpu:9', 3);
    expect(readArchiveReference(join(dir, 'a.tar'))).toBe('rigshift/bench-cpu:1.2.3-abc');
    expect(readArchiveReference(join(dir, 'b.tar'))).toBe('rigshift/bench-gpu:9');
  });

  it('returns null for an untagged or non-tar file', () => {
    writeArchiveWithTag(join(dir, 'c.tar'), null);
    writeFileSync(join(dir, 'd.tar'), 'not a tar at all');
    expect(readArchiveReference(join(dir, 'c.tar'))).toBeNull();
    expect(readArchiveReference(join(dir, 'd.tar'))).toBeNull();
  });

  it('locateBenchmarkImage explains how to fix a missing or broken tarball', () => {
    expect(() => locateBenchmarkImage(mkdtempSync(join(tmpdir(), 'none-')), 'cpu')).toThrowError(
      expect.objectContaining({ code: 'benchmark_image_missing', hint: 'run npm run build:images' }),
    );
    const broken = mkdtempSync(join(tmpdir(), 'broken-'));
    writeFileSync(join(broken, 'rigshift-bench-gpu.tar'), 'x');
    expect(() => locateBenchmarkImage(broken, 'gpu')).toThrowError(expect.objectContaining({ code: 'benchmark_image_invalid' }));
  });
});

describe('downsampleTelemetry', () => {
  it('keeps short series as they are', () => {
    const s: TelemetrySample[] = [{ t: 0, powerW: 100 }, { t: 500, powerW: 200 }];
    expect(downsampleTelemetry(s)).toEqual(s);
  });

  it('averages buckets, keeps at most 240 points and never drops a throttle event', () => {
    const s: TelemetrySample[] = Array.from({ length: 1000 }, (_, i) => ({
      t: i * 100,
      powerW: i % 2 ? 300 : 100,
      temperatureC: null,
      throttleReasons: i === 777 ? ['hw_thermal_slowdown'] : [],
    }));
    const out = downsampleTelemetry(s);
    expect(out).toHaveLength(MAX_TELEMETRY_SAMPLES);
    expect(out.every((x) => x.powerW !== undefined && x.powerW! > 150 && x.powerW! < 250)).toBe(true);
    expect(out.every((x) => x.temperatureC === null)).toBe(true);
    expect(out.filter((x) => x.throttleReasons?.includes('hw_thermal_slowdown'))).toHaveLength(1);
    expect(out.map((x) => x.t)).toEqual([...out.map((x) => x.t)].sort((a, b) => a - b));
  });
});

describe('dockerode runtime helpers', () => {
  it('splits chunks into lines across chunk borders', () => {
    const lines: string[] = [];
    const s = createLineSplitter((l) => lines.push(l));
    s.push('{"a":1}\n{"b"');
    s.push(':2}\r\npartial');
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    s.flush();
    expect(lines).toEqual(['{"a":1}', '{"b":2}', 'partial']);
  });

  it('never holds more than the line cap when a container prints no newline', () => {
    const lines: string[] = [];
    const s = createLineSplitter((l) => lines.push(l), 10);
    s.push('x'.repeat(25));
    expect(lines).toEqual(['x'.repeat(10), 'x'.repeat(10)]);
    s.push('yy\nz');
    expect(lines).toEqual(['x'.repeat(10), 'x'.repeat(10), 'xxxxxyy']);
  });

  it.each([
    ['two busy cores', { total: 2e9, system: 2e9, online: 2 }, { total: 0, system: 0 }, 200],
    ['one of four cores', { total: 1e9, system: 4e9, online: 4 }, { total: 0, system: 0 }, 100],
    ['no system delta', { total: 1e9, system: 5, online: 2 }, { total: 0, system: 5 }, null],
  ])('CPU percent: %s', (_what, cur, prev, expected) => {
    const frame = (c: { total: number; system: number; online?: number }) => ({
      cpu_stats: { cpu_usage: { total_usage: c.total }, system_cpu_usage: c.system, online_cpus: c.online },
    });
    expect(cpuPercentFromStats(frame(cur), frame(prev))).toBe(expected);
  });

  it('falls back to precpu_stats and subtracts page cache from memory', () => {
    const raw = {
      cpu_stats: { cpu_usage: { total_usage: 3e9 }, system_cpu_usage: 10e9, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 2e9 }, system_cpu_usage: 8e9 },
      memory_stats: { usage: 300, stats: { inactive_file: 100 } },
    };
    expect(cpuPercentFromStats(raw, null)).toBe(100);
    expect(memoryBytesFromStats(raw)).toBe(200);
    expect(memoryBytesFromStats({ memory_stats: { usage: 300, stats: { cache: 50 } } })).toBe(250);
    expect(memoryBytesFromStats({})).toBeNull();
  });
});
