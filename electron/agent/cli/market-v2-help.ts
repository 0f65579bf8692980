/** Help texts of the v2 requester commands (`rigshift market post|show|accept|dispute|redeliver|reputation`). */
const TARGET = `  --deployment <file>        A v2 market's deployment file (rigshift market deploy --market-version 2)
  --rpc-url <url>            Chain RPC (with --market-address, or to override the file's RPC)
  --market-address <0x…>     The v2 market contract
  --data-dir <dir>           Where to find the devnet when neither is given`;
const KEY = `  --private-key-file <file>  File (mode 600) with the requester's key
  --account <n>              Devnet test account #n (default 1; devnet only)`;

export const MARKET_V2_HELP = {
  post: `Usage: rigshift market post <spec.json> --max-price <USD/h> --max-hours <h> [--bid-window <s>]
                            [--replicas <1-3>] [--deterministic] [--min-provider-record <n>]
                            [--deployment <file>] [options]

On a v2 market (chosen by --deployment, or any v2 option below; the address is checked to be
v2): escrows one run per replica plus one (for a tiebreak or a dispute's verifier; what is not
used comes back) and posts the job. With --bid-window the job is a reverse auction: providers
bid asks up to --max-price during the window, the lowest asks win and every winner is paid the
lowest losing ask. Without it the job is a fixed-price listing paid at --max-price.
Without any v2 option and on a v1 market, this is the v1 post (rigshift market --help).

Options:
  --max-price <USD/h>        Highest price per hour, e.g. 0.25
  --max-hours <h>            Longest billable time (at least the spec's maxDurationSeconds)
  --bid-window <s>           Seconds providers may bid (0 or absent: fixed price)
  --replicas <n>             1 to 3 providers run it; the majority digest is paid (default 1)
  --deterministic            Same inputs, same outputs digest (needed for replicas and disputes)
  --min-provider-record <n>  Only providers with at least n settled runs may bid (default 0)
  --claim-minutes <m>        Time to award or claim after the bid window (default 30)
  --preemptible              The job may be released mid-run (must match the spec)
  --upload-url <url>         Where the provider PUTs a tar of the outputs
  --description <text>       One line for providers' Market page
${TARGET}
${KEY}
  --json                     Print the result as JSON
  -h, --help                 Show this help`,
  show: `Usage: rigshift market show <job id> [--deployment <file>] [--json]

Shows a v2 job: its state and round, its terms, each auction's asks, winners and the price
they are paid, each replica's slot (running, committed, revealed, paid, slashed), a dispute
and its outcome, redelivery requests, and the escrow left.

Options:
${TARGET}
  --json                     Print the job as JSON
  -h, --help                 Show this help`,
  accept: `Usage: rigshift market accept <job id> [--deployment <file>] [--json]

Accepts a submitted result before its challenge window ends: the provider is paid now and the
rest of the escrow comes back. Only the job's requester can accept.

Options:
${TARGET}
${KEY}
  --json                     Print the result as JSON
  -h, --help                 Show this help`,
  dispute: `Usage: rigshift market dispute <job id> [--deployment <file>] [--json]

Disputes a single-replica deterministic result within its challenge window, with a bond of one
run's cost (approved exactly). The job reopens for one verifier run. If the verifier's digest
matches, the provider is paid and the bond goes to the verifier and the provider; if not, the
provider's stake comes to you, the verifier is paid and the bond and escrow come back.

Options:
${TARGET}
${KEY}
  --json                     Print the result as JSON
  -h, --help                 Show this help`,
  redeliver: `Usage: rigshift market redeliver <job id> --upload-url <url> [--deployment <file>] [--json]

Asks the provider (who keeps the results) to deliver them again to a new URL, when the first
upload failed. Only the job's requester can ask.

Options:
  --upload-url <url>         Where the provider PUTs the tar of the outputs this time
${TARGET}
${KEY}
  --json                     Print the result as JSON
  -h, --help                 Show this help`,
  reputation: `Usage: rigshift market reputation <address> [--deployment <file>] [--json]

Prints an account's records on a v2 market, as the contract holds them: as a provider (runs
settled, replicated runs in the majority, disputes won and lost, slashes, releases, billed
time, the auction's tie-break score, stake) and as a requester (jobs posted, results accepted,
disputes won and lost, refunds).

Options:
${TARGET}
  --json                     Print the records as JSON
  -h, --help                 Show this help`,
} as const;
