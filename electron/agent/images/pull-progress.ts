/**
 * Turns Docker's per-layer pull messages into one figure for the owner: layers done of
 * layers known, and bytes downloaded of bytes to download. The engine sends a message per
 * layer event ("Pulling fs layer", "Downloading" with current/total, "Download complete",
 * "Extracting", "Pull complete", "Already exists"), many per second, and says nothing of a
 * layer's size until its download starts, so the total stays unknown (null) until every
 * layer to download has announced its size.
 */
import type { PullProgress } from '../ports';

export interface JobImagePullProgress {
  layersDone: number;
  layersTotal: number;
  /** Bytes downloaded so far (layers the engine already had count for nothing). */
  bytesDone: number;
  /** Bytes to download in all; null while a layer's size is still unknown. */
  bytesTotal: number | null;
}

interface LayerState {
  /** Compressed size, from the first "Downloading" message that carried it. */
  size: number | null;
  downloaded: number;
  downloadFinished: boolean;
  /** Extracted and registered, or the engine had it already. */
  done: boolean;
  /** The engine had it already: nothing to download. */
  cached: boolean;
}

/** Statuses that are about one layer; others carrying an id ("Pulling from x") are about the whole pull. */
const LAYER_STATUSES = new Set([
  'Pulling fs layer',
  'Waiting',
  'Downloading',
  'Verifying Checksum',
  'Download complete',
  'Extracting',
  'Pull complete',
  'Already exists',
]);

function isLayerMessage(p: PullProgress): p is PullProgress & { layerId: string } {
  if (!p.layerId) return false;
  // "Retrying in 5 seconds" is per layer too; its count varies, so match the prefix.
  return LAYER_STATUSES.has(p.status) || p.status.startsWith('Retrying in');
}

export interface PullProgressAggregator {
  /** Folds one engine message in; returns true when the figure changed. */
  add(message: PullProgress): boolean;
  current(): JobImagePullProgress;
  /**
   * The most bytes the pull is known to need so far: downloaded bytes, or the announced
   * sizes of the layers being downloaded when that is more. Lets a byte cap trip as soon
   * as a layer announces a size over it, before the bytes arrive.
   */
  committedBytes(): number;
}

export function createPullProgressAggregator(): PullProgressAggregator {
  const layers = new Map<string, LayerState>();

  const layer = (id: string): LayerState => {
    let state = layers.get(id);
    if (!state) {
      state = { size: null, downloaded: 0, downloadFinished: false, done: false, cached: false };
      layers.set(id, state);
    }
    return state;
  };

  const snapshot = (): JobImagePullProgress => {
    let layersDone = 0;
    let bytesDone = 0;
    let bytesTotal: number | null = 0;
    for (const state of layers.values()) {
      if (state.done) layersDone += 1;
      if (state.cached) continue;
      bytesDone += state.downloaded;
      if (state.size === null) bytesTotal = null;
      else if (bytesTotal !== null) bytesTotal += state.size;
    }
    return { layersDone, layersTotal: layers.size, bytesDone, bytesTotal };
  };

  return {
    add(message) {
      if (!isLayerMessage(message)) return false;
      const before = JSON.stringify(snapshot());
      const state = layer(message.layerId);
      switch (message.status) {
        case 'Downloading':
          if (message.total !== undefined) state.size = message.total;
          // Never backwards: a retried download restarts at 0 but those bytes were fetched.
          if (message.current !== undefined) state.downloaded = Math.max(state.downloaded, message.current);
          break;
        case 'Verifying Checksum':
        case 'Download complete':
        case 'Extracting':
          state.downloadFinished = true;
          if (state.size !== null) state.downloaded = Math.max(state.downloaded, state.size);
          // A layer too small for a "Downloading" message: its size is what it took.
          else state.size = state.downloaded;
          break;
        case 'Pull complete':
          state.downloadFinished = true;
          state.done = true;
          if (state.size === null) state.size = state.downloaded;
          else state.downloaded = Math.max(state.downloaded, state.size);
          break;
        case 'Already exists':
          state.cached = true;
          state.done = true;
          break;
        default:
          break; // "Pulling fs layer", "Waiting", "Retrying in ...": the layer exists, nothing more
      }
      return JSON.stringify(snapshot()) !== before;
    },
    current: snapshot,
    committedBytes() {
      let bytes = 0;
      for (const state of layers.values()) {
        if (state.cached) continue;
        bytes += Math.max(state.downloaded, state.size ?? 0);
      }
      return bytes;
    },
  };
}

/**
 * Passes at most one figure per `intervalMs` to `emit` (the UI needs ~4 a second, the
 * engine sends hundreds); the latest figure held back is sent when the interval ends, and
 * `flush` sends it at once (end of the pull) so the last figure is never lost.
 */
export function throttle<T>(
  emit: (value: T) => void,
  intervalMs: number,
  now: () => number = Date.now,
): { push(value: T): void; flush(): void; cancel(): void } {
  let last = -Infinity;
  let pending: { value: T } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const send = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!pending) return;
    const { value } = pending;
    pending = null;
    last = now();
    emit(value);
  };

  return {
    push(value) {
      pending = { value };
      const wait = last + intervalMs - now();
      if (wait <= 0) return send();
      if (!timer) {
        timer = setTimeout(send, wait);
        // A held-back figure must not keep a CLI process alive.
        timer.unref?.();
      }
    },
    flush: send,
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = null;
    },
  };
}

export function mib(bytes: number): string {
  return (bytes / 1e6).toFixed(bytes < 10e6 ? 1 : 0);
}

/** "Pulling the image: 312 of 840 MB (3 of 5 layers)"; the fraction once every size is known. */
export function pullFigures(p: JobImagePullProgress): { label: string; fraction: number | null } {
  const layers = p.layersTotal ? ` (${p.layersDone} of ${p.layersTotal} layers)` : '';
  if (p.bytesTotal === null) return { label: `Pulling the image: ${mib(p.bytesDone)} MB${layers}`, fraction: null };
  return { label: `Pulling the image: ${mib(p.bytesDone)} of ${mib(p.bytesTotal)} MB${layers}`, fraction: p.bytesTotal ? p.bytesDone / p.bytesTotal : 1 };
}
