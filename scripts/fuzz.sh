#!/usr/bin/env bash
# Fuzz qfast-core with cargo-fuzz (libFuzzer). Needs a nightly toolchain and cargo-fuzz:
#   rustup toolchain install nightly && cargo install cargo-fuzz --locked
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]   every target (fuzz/fuzz_targets) by
#                                                       default, 300 s each
#   scripts/fuzz.sh seeds                               rewrite the valid model/index seeds
#   scripts/fuzz.sh summary                             totals per target from fuzz/runs.tsv
#
# Each target starts from fuzz/corpus/<target> (kept between runs, not committed) plus the saved
# cases in fuzz/regressions/<target>. A run appends its figures to fuzz/runs.tsv. A crash stops
# that target with its input in fuzz/artifacts/<target>/: minimize it
# (`cargo +nightly fuzz tmin <target> <file>` in fuzz/), fix the bug, and copy the minimized
# input to fuzz/regressions/<target>/, where `cargo test -p qfast-core` replays it.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

if [[ "${1:-}" == "seeds" ]]; then
    cargo test -q -p qfast-core --release --manifest-path ../Cargo.toml \
        --test hostile_files -- --ignored write_fuzz_seeds
    exit 0
fi

if [[ "${1:-}" == "summary" ]]; then
    awk -F'\t' '$2 != "target" { secs[$2] += $3; runs[$2] += $4; if ($6 != "no crash") bad[$2]++ }
        END { for (t in secs) printf "%-16s %6.1f min %8.2fM executions  %s\n", t, secs[t] / 60,
              runs[t] / 1e6, (bad[t] ? bad[t] " failed run(s)" : "no crash") }' runs.tsv | sort
    exit 0
fi

secs="${1:-300}"
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

cargo +nightly fuzz build -O
mkdir -p logs
status=0
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    echo "== $t: ${secs} s"
    # -rss_limit_mb: a harness that needs more than 2 GB for a small input is a finding.
    if cargo +nightly fuzz run -O "$t" "corpus/$t" "regressions/$t" -- \
        -max_total_time="$secs" -rss_limit_mb=2048 -timeout=20 -max_len=65536 \
        -print_final_stats=1 >"logs/$t.log" 2>&1; then
        result="no crash"
    else
        result="FAILED (see fuzz/logs/$t.log, fuzz/artifacts/$t/)"
        status=1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$' || echo 0)
    corpus=$(find "corpus/$t" -type f | wc -l)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%F)" "$t" "$secs" "$runs" "$corpus" "$result" \
        | tee -a runs.tsv
done
exit $status
