import type { ActiveBenchmark } from '../../../shared/domain/benchmark';

const WIDTH = 30;

export function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** One line of progress: `[#########.....]  42%  FP16 tensor throughput  0:12`. */
export function renderProgressLine(progress: ActiveBenchmark): string {
  const filled = Math.round(progress.fraction * WIDTH);
  const percent = String(Math.round(progress.fraction * 100)).padStart(3);
  return `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${percent}%  ${progress.label}  ${formatElapsed(progress.elapsedMs)}`;
}

/**
 * Draws progress on stderr: redrawn in place on a terminal, one line per phase change
 * otherwise (logs and CI stay readable).
 */
export function createProgressPrinter(stream: NodeJS.WriteStream = process.stderr) {
  let lastPhase = '';
  let lastLength = 0;
  return {
    update(progress: ActiveBenchmark) {
      const line = renderProgressLine(progress);
      if (stream.isTTY) {
        stream.write(`\r${line.padEnd(lastLength)}`);
        lastLength = line.length;
      } else if (progress.phase !== lastPhase) {
        stream.write(`${line}\n`);
      }
      lastPhase = progress.phase;
    },
    finish() {
      if (stream.isTTY && lastLength) stream.write('\n');
    },
  };
}
