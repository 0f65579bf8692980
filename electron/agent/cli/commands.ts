/** Help texts and argument specs of every `rigshift` command, in one place. */
export const HELP = {
  main: `rigshift — rent out your NVIDIA GPU while you are away

Usage: rigshift <command> [options]

Commands:
  detect      Detect GPUs and check this machine (driver, Docker, NVIDIA runtime, gVisor)
  bench       Benchmark the GPU (or the CPU when no NVIDIA GPU is usable) in a container
  headless    Run the agent without a desktop, serving the dashboard on 127.0.0.1
  run-job     Run one job spec in a hardened container, the way rental jobs run

Options:
  -h, --help      Show help (also: rigshift <command> --help)
  -v, --version   Print the version

Examples:
  rigshift detect --json
  rigshift bench --json
  rigshift headless --port 8080 --data-dir ~/.rigshift
  rigshift run-job job.json --json`,
  detect: `Usage: rigshift detect [--json]

Detects NVIDIA GPUs (nvidia-smi) and every display adapter (systeminformation), then runs
the environment checks with the exact fix for each problem. No GPU is a normal result.

Options:
  --json          Print {detection, checks} as JSON on stdout
  -h, --help      Show this help`,
  bench: `Usage: rigshift bench [--json] [--cpu | --gpu <uuid>] [--quick] [--data-dir <dir>]

Runs the benchmark in a container, the same way jobs run, with a progress bar on stderr.
Picks the first usable NVIDIA GPU, else the CPU workload. Ctrl-C cancels cleanly.
The result is stored in the benchmark history of the data dir.

Options:
  --json            Print the result record as JSON on stdout
  --cpu             Benchmark the CPU workload even when a GPU is present
  --gpu <uuid>      Benchmark this GPU (UUID from rigshift detect)
  --quick           Short phases (a few seconds; for tests)
  --data-dir <dir>  Where settings and history live (default: the app's data folder)
  -h, --help        Show this help

Exit code: 0 only when the benchmark completed.`,
  headless: `Usage: rigshift headless [--port <n>] [--data-dir <dir>] [--run-job <spec.json>]

Runs the agent without Electron and serves the dashboard and its API on 127.0.0.1 only.
Open the printed link: it carries a fresh access token; requests without it are refused.

Options:
  --port <n>        Port to listen on (default: a free one)
  --data-dir <dir>  Where settings and history live (default: the app's data folder)
  --quick-bench     Short benchmark phases (tests, demos)
  --run-job <spec>  Once ready, run this job spec as a rental would run (an owner's test;
                    it appears on the Jobs page)
  -h, --help        Show this help`,
  'run-job': `Usage: rigshift run-job <spec.json> [--json] [--data-dir <dir>] [--runtime runc|runsc]

Runs one job spec on this machine through the same runner rental jobs use: the spec is
validated, inputs are downloaded and checked against their sha256, the image (pinned by
digest) is pulled or found locally, and the job runs in a hardened container with its
limits. Progress and the job's output ("job| " lines) go to stderr, the result record to
stdout. Ctrl-C cancels the job and removes its container and workspace.
A locally built image is named by its image id: <repository>@sha256:<id>, and must carry a
tag of that repository (docker tag <id> <repository>:local).
Outputs are kept in <data dir>/jobs/<job id>/results/, the log in <data dir>/jobs/<job id>.log.

Options:
  --json             Print the result record as JSON on stdout
  --data-dir <dir>   Where settings, job results and history live (default: the app's data folder)
  --runtime <name>   runsc (gVisor) or runc; default: gVisor when registered and allowed in settings
  -h, --help         Show this help

Exit code: 0 only when the job completed (exit code 0 and outputs within limits).`,
} as const;
