#!/usr/bin/env bash
# Arbor and the seed side by side, in one run: beam search (width 4, 128-token prompt, 64 new tokens)
# and the 8-sequence step (one commit of a token to 8 branches), on the same model file and the same
# prompt tokens, flash attention on for both (the seed always runs with it), alternating the two
# processes round by round so that both see the same machine load.
#
# The seed is its own native package, @lloyal-labs/lloyal.node-linux-x64 (npm), installed with npm
# into a scratch folder (SEED_DIR, default /tmp/arbor-seed): never a project dependency, never
# committed. bench/seed/seed-bench.mjs drives it; dev.arbor.bench.SeedComparison drives Arbor.
#
# Usage: bench/seed-side-by-side.sh [MODEL ...]
#   MODEL: a GGUF file, "small" (the synthetic SMALL llama, 600 tokens) or "vocab:N[:LAYERS]" (the
#   synthetic qwen3 of SMALL's width with N tokens, e.g. vocab:151936:8). Default: small vocab:151936:8.
# Environment: ROUNDS (default 5) rounds of REPETITIONS (default 3) searches per side, THREADS
# (default 2), SEED_VERSION (default 3.1.1), SEED_DIR.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${ROUNDS:-5}"
REPETITIONS="${REPETITIONS:-3}"
THREADS="${THREADS:-2}"
SEED_VERSION="${SEED_VERSION:-3.1.1}"
SEED_DIR="${SEED_DIR:-/tmp/arbor-seed}"
SEED_PACKAGE="$SEED_DIR/node_modules/@lloyal-labs/lloyal.node-linux-x64"
WORK="$(mktemp -d /tmp/arbor-seed-run.XXXXXX)"
MODELS=("$@")
[[ ${#MODELS[@]} -gt 0 ]] || MODELS=(small vocab:151936:8)

command -v node >/dev/null || { echo "node is needed to run the seed" >&2; exit 1; }
if [[ ! -f "$SEED_PACKAGE/bin/lloyal.node" ]]; then
  echo "installing @lloyal-labs/lloyal.node-linux-x64@$SEED_VERSION into $SEED_DIR" >&2
  mkdir -p "$SEED_DIR"
  npm install --prefix "$SEED_DIR" --no-save --no-audit --no-fund --loglevel=error \
    "@lloyal-labs/lloyal.node-linux-x64@$SEED_VERSION" >&2
fi
if [[ ! -f "$ROOT/bench/target/arbor-bench.jar" ]]; then
  mvn -q -f "$ROOT/pom.xml" -DskipTests package >&2
fi
CP="$ROOT/bench/target/arbor-bench.jar:$ROOT/bench/target/lib/*"
JAVA_OPTS=(-Darbor.bench.threads="$THREADS" ${ARBOR_JAVA_OPTS:-})

# The model file for one MODEL argument (synthetic models are written into the model cache once).
model_file() {
  case "$1" in
    small) java "${JAVA_OPTS[@]}" -cp "$CP" dev.arbor.bench.SeedComparison model SMALL ;;
    vocab:*) IFS=: read -r _ vocab layers <<<"$1"
             java "${JAVA_OPTS[@]}" -Darbor.bench.vocab="$vocab" ${layers:+-Darbor.bench.layers="$layers"} \
               -cp "$CP" dev.arbor.bench.SeedComparison model SMALL ;;
    *) echo "$1" ;;
  esac
}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for spec in "${MODELS[@]}"; do
  model="$(model_file "$spec" | tail -1)"
  workload="$WORK/workload-$(basename "$model").json"
  java "${JAVA_OPTS[@]}" -cp "$CP" dev.arbor.bench.SeedComparison prompt "$model" "$workload"
  results="$WORK/results-$(basename "$model").jsonl"
  for ((round = 1; round <= ROUNDS; round++)); do
    # Alternate which side goes first, so neither always runs right after the other's warm-up.
    sides=(seed arbor)
    (( round % 2 == 0 )) && sides=(arbor seed)
    for side in "${sides[@]}"; do
      if [[ "$side" == seed ]]; then
        node "$ROOT/bench/seed/seed-bench.mjs" "$SEED_PACKAGE" "$model" "$workload" "$REPETITIONS" "$THREADS" \
          2>>"$WORK/seed.log" | grep '^{' >>"$results"
      else
        java "${JAVA_OPTS[@]}" -cp "$CP" dev.arbor.bench.SeedComparison arbor "$model" "$workload" "$REPETITIONS" \
          2>>"$WORK/arbor.log" | grep '^{' >>"$results"
      fi
    done
  done
  echo "## $spec ($model), $ROUNDS rounds x $REPETITIONS repetitions, $THREADS threads, flash attention on"
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
    const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    const of = (side, key) => median(lines.filter((l) => l.side === side).map((l) => l[key]));
    for (const [key, what] of [["beamMs", "beam search w4 x 64"], ["stepMs", "8-sequence step"]]) {
      const seed = of("seed", key), arbor = of("arbor", key);
      console.log(`${what}: seed ${seed.toFixed(2)} ms, Arbor ${arbor.toFixed(2)} ms (medians of the rounds): ` +
        `Arbor ${(seed / arbor).toFixed(2)}x faster`);
    }
    console.log(`  of Arbor'"'"'s step, inside llama_decode: ${of("arbor", "stepDecodeMs").toFixed(2)} ms`);' "$results"
done
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); logs and raw results in $WORK"
