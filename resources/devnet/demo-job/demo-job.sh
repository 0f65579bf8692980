#!/bin/sh
# RigShift demo job (image rigshift/demo-job, built by resources/benchmark/build-images.mjs).
# Does real CPU work for about <seconds> and leaves its results in /workspace/out:
#   demo-job hash <seconds>      chained sha256 over generated data
#   demo-job compress <seconds>  gzip of generated number series, ratio and a sample
#   demo-job primes <seconds>    sieve of Eratosthenes in awk, growing bounds
# With a third argument rounds=<n> (hash and primes only) it does exactly n rounds instead of
# working until the time is up, and its outputs are the same on every machine: what a
# replicated or disputed ("deterministic") job needs, since replicas compare output digests.
# Posted by the devnet's demo requester (rigshift devnet --demo) so a newcomer sees jobs
# claimed, run in the sandbox, uploaded and paid.
set -eu
workload="${1:-hash}"
seconds="${2:-30}"
out=/workspace/out
work="${HOME:-/tmp}"
start=$(date +%s)
deadline=$((start + seconds))
rounds=0
result=""
fixed=""
case "${3:-}" in
  rounds=*) fixed="${3#rounds=}" ;;
  "") ;;
  *) echo "demo-job: unknown option '$3' (rounds=<n>)" >&2; exit 2 ;;
esac
if [ -n "$fixed" ]; then
  case "$fixed" in ''|*[!0-9]*) echo "demo-job: rounds must be a whole number, not '$fixed'" >&2; exit 2 ;; esac
  # compress writes gzip files, whose headers carry a time: not the same twice.
  [ "$workload" = compress ] && { echo "demo-job: compress has no fixed-rounds mode (hash, primes)" >&2; exit 2; }
  echo "demo-job: $workload, exactly $fixed rounds"
else
  echo "demo-job: $workload for ${seconds}s"
fi
# Another round? Fixed mode counts rounds; otherwise the clock decides.
more() {
  if [ -n "$fixed" ]; then [ "$rounds" -lt "$fixed" ]; else [ "$(date +%s)" -lt "$deadline" ]; fi
}
case "$workload" in
  hash)
    digest=rigshift
    while more; do
      digest=$( (echo "$digest"; seq "$rounds" $((rounds + 200000))) | sha256sum | cut -c1-64)
      rounds=$((rounds + 1))
      [ $((rounds % 10)) -eq 0 ] && echo "round $rounds: $digest"
    done
    echo "$digest" > "$out/digest.txt"
    result="$digest"
    ;;
  compress)
    raw=0
    packed=0
    while more; do
      seq $((rounds * 7919)) 3 $((rounds * 7919 + 600000)) > "$work/series.txt"
      gzip -9 -c "$work/series.txt" > "$work/series.gz"
      raw=$((raw + $(wc -c < "$work/series.txt")))
      packed=$((packed + $(wc -c < "$work/series.gz")))
      rounds=$((rounds + 1))
      echo "round $rounds: $raw bytes -> $packed bytes"
    done
    cp "$work/series.gz" "$out/sample.gz"
    result="$raw->$packed"
    ;;
  primes)
    bound=50000
    while more; do
      result=$(awk -v n="$bound" 'BEGIN {
        for (i = 2; i * i <= n; i++) if (!(i in c)) for (j = i * i; j <= n; j += i) c[j] = 1
        count = 0; last = 0
        for (i = 2; i <= n; i++) if (!(i in c)) { count++; last = i }
        print count " primes up to " n ", largest " last
      }')
      echo "$result"
      echo "$result" >> "$out/primes.txt"
      rounds=$((rounds + 1))
      bound=$((bound * 2))
      [ "$bound" -gt 800000 ] && bound=50000
    done
    ;;
  *)
    echo "demo-job: unknown workload '$workload' (hash, compress, primes)" >&2
    exit 2
    ;;
esac
elapsed=$(( $(date +%s) - start ))
if [ -n "$fixed" ]; then
  # No elapsed time in the outputs: it differs from run to run.
  printf '{"workload":"%s","rounds":%s,"result":"%s"}\n' "$workload" "$rounds" "$result" > "$out/summary.json"
else
  printf '{"workload":"%s","seconds":%s,"rounds":%s,"result":"%s"}\n' "$workload" "$elapsed" "$rounds" "$result" > "$out/summary.json"
fi
echo "demo-job: done in ${elapsed}s, $rounds rounds"
