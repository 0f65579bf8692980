#!/bin/sh
# RigShift demo job (image rigshift/demo-job, built by resources/benchmark/build-images.mjs).
# Does real CPU work for about <seconds> and leaves its results in /workspace/out:
#   demo-job hash <seconds>      chained sha256 over generated data
#   demo-job compress <seconds>  gzip of generated number series, ratio and a sample
#   demo-job primes <seconds>    sieve of Eratosthenes in awk, growing bounds
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
echo "demo-job: $workload for ${seconds}s"
case "$workload" in
  hash)
    digest=rigshift
    while [ "$(date +%s)" -lt "$deadline" ]; do
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
    while [ "$(date +%s)" -lt "$deadline" ]; do
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
    while [ "$(date +%s)" -lt "$deadline" ]; do
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
printf '{"workload":"%s","seconds":%s,"rounds":%s,"result":"%s"}\n' "$workload" "$elapsed" "$rounds" "$result" > "$out/summary.json"
echo "demo-job: done in ${elapsed}s, $rounds rounds"
