/**
 * A pull transcript in the shape Docker 20.10 sends on POST /images/create: three layers,
 * one the engine already has, two downloaded with "Downloading" progress (the engine sends
 * one every 1% or 512 kB, at most 10 a second per layer), then extraction.
 */
import type { PullProgress } from '../../../electron/agent/ports';

export const LAYER_A = { id: '3e731ddb7fc9', size: 4_335_400 };
export const LAYER_B = { id: '47cafa6a79d0', size: 11_107_850 };
export const LAYER_CACHED = '79fcf5a213c7';

/** The raw lines, as the engine writes them (with the human `progress` bar we ignore). */
export const PULL_LINES: string[] = [
  '{"status":"Pulling from rigshift-test/tiny","id":"sha256:1b9d4f3c0d1f0e3c8a1e2f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c"}',
  `{"status":"Already exists","progressDetail":{},"id":"${LAYER_CACHED}"}`,
  `{"status":"Pulling fs layer","progressDetail":{},"id":"${LAYER_A.id}"}`,
  `{"status":"Pulling fs layer","progressDetail":{},"id":"${LAYER_B.id}"}`,
  `{"status":"Waiting","progressDetail":{},"id":"${LAYER_B.id}"}`,
  `{"status":"Downloading","progressDetail":{"current":49152,"total":${LAYER_A.size}},"progress":"[\\u003e    ]  49.15kB/4.335MB","id":"${LAYER_A.id}"}`,
  `{"status":"Downloading","progressDetail":{"current":1378626,"total":${LAYER_A.size}},"progress":"[===\\u003e  ]  1.379MB/4.335MB","id":"${LAYER_A.id}"}`,
  `{"status":"Downloading","progressDetail":{"current":113798,"total":${LAYER_B.size}},"progress":"[\\u003e    ]  113.8kB/11.11MB","id":"${LAYER_B.id}"}`,
  `{"status":"Downloading","progressDetail":{"current":3218530,"total":${LAYER_A.size}},"progress":"[=====\\u003e]  3.219MB/4.335MB","id":"${LAYER_A.id}"}`,
  `{"status":"Verifying Checksum","progressDetail":{},"id":"${LAYER_A.id}"}`,
  `{"status":"Download complete","progressDetail":{},"id":"${LAYER_A.id}"}`,
  `{"status":"Downloading","progressDetail":{"current":5821033,"total":${LAYER_B.size}},"progress":"[==\\u003e   ]  5.821MB/11.11MB","id":"${LAYER_B.id}"}`,
  `{"status":"Extracting","progressDetail":{"current":65536,"total":${LAYER_A.size}},"progress":"[\\u003e   ]  65.54kB/4.335MB","id":"${LAYER_A.id}"}`,
  `{"status":"Extracting","progressDetail":{"current":${LAYER_A.size},"total":${LAYER_A.size}},"progress":"[=====]  4.335MB/4.335MB","id":"${LAYER_A.id}"}`,
  `{"status":"Pull complete","progressDetail":{},"id":"${LAYER_A.id}"}`,
  `{"status":"Downloading","progressDetail":{"current":${LAYER_B.size},"total":${LAYER_B.size}},"progress":"[=====]  11.11MB/11.11MB","id":"${LAYER_B.id}"}`,
  `{"status":"Verifying Checksum","progressDetail":{},"id":"${LAYER_B.id}"}`,
  `{"status":"Download complete","progressDetail":{},"id":"${LAYER_B.id}"}`,
  `{"status":"Extracting","progressDetail":{"current":11107850,"total":${LAYER_B.size}},"progress":"[=====]  11.11MB/11.11MB","id":"${LAYER_B.id}"}`,
  `{"status":"Pull complete","progressDetail":{},"id":"${LAYER_B.id}"}`,
  '{"status":"Digest: sha256:1b9d4f3c0d1f0e3c8a1e2f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c"}',
  '{"status":"Status: Downloaded newer image for 127.0.0.1:5000/rigshift-test/tiny@sha256:1b9d4f3c0d1f0e3c8a1e2f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c"}',
];

/** The same transcript as PullProgress messages, the way the runtime port delivers them. */
export function transcriptMessages(): PullProgress[] {
  return PULL_LINES.map((line) => {
    const m = JSON.parse(line) as { status: string; id?: string; progressDetail?: { current?: number; total?: number } };
    const p: PullProgress = { status: m.status };
    if (m.id) p.layerId = m.id;
    if (m.progressDetail?.current !== undefined) p.current = m.progressDetail.current;
    if (m.progressDetail?.total !== undefined) p.total = m.progressDetail.total;
    return p;
  });
}
