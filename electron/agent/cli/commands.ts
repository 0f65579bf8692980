/** Help texts and argument specs of every `rigshift` command, in one place. */
export const HELP = {
  main: `rigshift — rent out your NVIDIA GPU while you are away

Usage: rigshift <command> [options]

Commands:
  detect      Detect GPUs and check this machine (driver, Docker, NVIDIA runtime, gVisor)
  bench       Benchmark the GPU (or the CPU when no NVIDIA GPU is usable) in a container
  headless    Run the agent without a desktop, serving the dashboard on 127.0.0.1
  run-job     Run one job spec in a hardened container, the way rental jobs run
  devnet      Start (or reuse) the local test chain; --demo keeps demo jobs coming
  market      market post <spec.json> posts a job; market deploy puts the market on a chain;
              v2 markets: market show|accept|dispute|redeliver|reputation (each with --help)

Options:
  -h, --help      Show help (also: rigshift <command> --help)
  -v, --version   Print the version

Examples:
  rigshift detect --json
  rigshift bench --json
  rigshift headless --port 8080 --data-dir ~/.rigshift
  rigshift run-job job.json --json
  rigshift devnet --demo
  rigshift market post job.json --max-price 0.25 --max-hours 0.5 --upload-url http://127.0.0.1:9000/up
  rigshift market deploy --rpc-url https://sepolia.base.org --token 0x036CbD53842c5426634e7929541eC2318f3dCF7e --private-key-file key.txt`,
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
                         [--network devnet|custom --rpc-url <url> --chain-id <n> --market-address <0x…>
                          [--deployment-block <n>]] [--deployment <file> [--rpc-url <url>]] [--no-devnet]

Runs the agent without Electron and serves the dashboard and its API on 127.0.0.1 only.
Open the printed link: it carries a fresh access token; requests without it are refused.

Options:
  --port <n>        Port to listen on (default: a free one)
  --data-dir <dir>  Where settings and history live (default: the app's data folder)
  --quick-bench     Short benchmark phases (tests, demos)
  --run-job <spec>  Once ready, run this job spec as a rental would run (an owner's test;
                    it appears on the Jobs page)
  --wallet-password-file <file>
                    Unlock the wallet at start with the password in this file (first
                    line). The file must be readable only by you: chmod 600 <file>
  --allow-lan       Also serve a watch-only dashboard to other devices on your network
                    (a phone), on its own port, behind a pairing token printed at start.
                    Paired devices can read state and earnings; they cannot change
                    settings, pause, or touch the wallet. Off unless given.
  --lan-address <ip>  Listen for the LAN on this address only (default: every interface)
  --lan-port <n>    LAN port (default: a free one)
  --network <kind>  Save the network setting first: devnet (the local test chain, default)
                    or custom (with --rpc-url, --chain-id and --market-address; the chain
                    id is checked at connect)
  --deployment-block <n>
                    With custom: the block the market was deployed at; the market's events
                    are read from there (without it: searched for, or from block 0)
  --deployment <file>
                    Save a custom network from a file written by rigshift market deploy
                    (its chain, RPC and market; --rpc-url overrides the RPC). A custom
                    network gets custom rules: confirmations awaited, no test faucet, no
                    upload URLs on this machine
  --no-devnet       Never start a local devnet (with the devnet setting: no chain at all)
  -h, --help        Show this help

With the devnet setting, the agent reuses the devnet of this data dir (rigshift devnet) or
starts one itself, and stops the one it started when it stops.
One agent per data dir: while the desktop app or another headless agent uses it (see
<data dir>/agent.lock), this one refuses to start and names it.`,
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
  devnet: `Usage: rigshift devnet [--port <n>] [--data-dir <dir>] [--demo] [--market-version 1|2]

Starts a local test chain (a Hardhat node on 127.0.0.1, chain id 31337), deploys the test
stablecoin (tUSD) and the market contract (v2: reverse auctions, replicas, disputes and
records; docs/MARKET-V2.md), funds test accounts #0-#9 with tUSD and writes
<data dir>/devnet/deployment.json, where the agent and \`rigshift market …\` find it. A
devnet already running for this data dir is reused. Runs until Ctrl-C. The chain lives in
memory: the next devnet is a new chain.
The accounts use PUBLIC test keys: never use them on a real chain.

Options:
  --port <n>        Port for the RPC (default 8545, or a free one when it is taken)
  --data-dir <dir>  The app's data folder (default: the app's data folder)
  --demo            Also run the demo requester: posts a mix of short CPU jobs (GPU jobs
                    when an NVIDIA GPU is present) from accounts #1-#3 as auctions (10 s
                    bid window), every third one replicated and now and then a disputed
                    one, receives results on a loopback upload endpoint, and accepts
                    those matching the commitment. With Docker it also runs two rival
                    providers (accounts #8 and #9, the agent's own code, real containers)
                    whose asks move around the default floor, so your agent wins some
                    auctions and loses others and replicated jobs find their other replica
  --market-version <1|2>  Which market contract a new devnet deploys (default 2; also
                    RIGSHIFT_DEVNET_MARKET_VERSION). 1 is the legacy v1 market (first come,
                    no auction), kept for its existing test suites; its demo requester
                    posts v1 jobs and no rival runs. The agent provides on either
  -h, --help        Show this help`,
  market: `Usage: rigshift market post <spec.json> --max-price <USD/h> --max-hours <h> [options]
       rigshift market deploy --rpc-url <url> --token <0x…> [options]  (see market deploy --help)
       rigshift market show|accept|dispute|redeliver|reputation …      (v2 markets; see each --help)
       rigshift market post … --bid-window <s> --replicas <n> …      (v2; see market post --help)

Posts a job on the market: approves exactly the escrow (max price × max hours) and posts
the job document (the spec, the upload URL for results) on chain. Prints the job id and
the transaction hash. <spec.json> is a job document ({"kind":"rigshift-job",...}) or a
job spec (then --upload-url is needed).

Options:
  --max-price <USD/h>        Highest price per GPU-hour (CPU-hour for CPU jobs), e.g. 0.25
  --max-hours <h>            Longest billable time, e.g. 0.5 (at least the spec's maxDurationSeconds)
  --claim-minutes <m>        Providers must claim within this time (default 30)
  --preemptible              The job may be released mid-run (must match the spec)
  --upload-url <url>         Where the provider PUTs a tar of the outputs
  --description <text>       One line for providers' Market page
  --rpc-url <url>            Chain RPC (with --market-address); default: the running devnet
  --market-address <0x…>     The market contract
  --private-key-file <file>  File (mode 600) with the requester's key
  --account <n>              Devnet test account #n (default 1; devnet only)
  --data-dir <dir>           Where to find the devnet (default: the app's data folder)
  --json                     Print the result as JSON
  -h, --help                 Show this help`,
  marketDeploy: `Usage: rigshift market deploy --rpc-url <url> --token <0x…> [--private-key-file <file>]
                              [--out <file>] [--json] [--min-stake <USD>] [--fee-bps <n>]
                              [--fee-recipient <0x…>] [--challenge-seconds <s>]
                              [--market-version 1|2]

Deploys the RigShift market contract to any EVM chain that has a 6-decimal USD stablecoin
(USDC and the like): checks that --token is a contract whose decimals() is 6 (refused
otherwise), that the deployer can pay the gas, sends the deployment, waits for it to be
mined, and writes a deployment file. Point an agent at it with:
  rigshift headless --deployment <file>
Rate limits of public endpoints (HTTP 429) are waited out with backoff.

Options:
  --rpc-url <url>            The chain's JSON-RPC endpoint (http or https)
  --token <0x…>              The stablecoin the market pays in (6 decimals)
  --private-key-file <file>  The deployer's key, one 0x-prefixed key in a file only you can
                             read (chmod 600). Without it the key is asked for on the
                             terminal (not shown). A key is never taken on the command line.
  --out <file>               Where to write the deployment file
                             (default: rigshift-deployment-<chain id>.json here)
  --json                     Print the deployment as JSON
  --min-stake <USD>          Stake a provider locks per claim (default 5)
  --fee-bps <n>              Market fee in basis points (default 100 = 1 %)
  --fee-recipient <0x…>      Who receives the fee (default: the deployer)
  --challenge-seconds <s>    Time the requester has to dispute a result (default 3600)
  --market-version <1|2>     Which market contract (default 2: reverse auction, replicas,
                             disputes, records, docs/MARKET-V2.md); 1: the legacy first-come
                             market, kept for its test suites
  -h, --help                 Show this help`,
} as const;
