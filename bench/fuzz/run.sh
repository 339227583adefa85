#!/usr/bin/env bash
# Fuzzes Farm's parsers with afl++ and SharpFuzz, one target after another, each for a bounded time.
# See bench/fuzz/README.md.
#
#   bench/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     default 60 s, every target
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
all_targets=(socks4-request socks5-greeting socks5-password socks5-request gssapi-header udp-header policy dns-datagram)
seconds=${1:-60}
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || { echo "usage: $0 [SECONDS_PER_TARGET] [TARGET...]" >&2; exit 2; }
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
    [[ " ${all_targets[*]} " == *" $target "* ]] || { echo "unknown target $target; targets: ${all_targets[*]}" >&2; exit 2; }
done

command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install -y afl++" >&2; exit 1; }

results=$root/bench/results/fuzz
tools=$results/tools
work=$results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$work"

if [[ ! -x $tools/sharpfuzz ]]; then
    dotnet tool install --tool-path "$tools" SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

# The plain build replays inputs; the instrumented copy is what afl runs (it cannot run outside afl).
project=$here/Farm.Fuzz/Farm.Fuzz.csproj
plain=$here/Farm.Fuzz/bin/Release/net10.0
dotnet build "$project" -c Release -nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
cp -r "$plain" "$work/instrumented"
for assembly in Farm.Shared.dll Farm.Lighthouse.dll ARSoft.Tools.Net.dll; do
    "$tools/sharpfuzz" "$work/instrumented/$assembly" >>"$work/build.log"
done

export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1

# afl-fuzz runs in the foreground, one at a time, under a timeout beyond its own -V limit.
found=0
summary=$work/summary.txt
printf '%-16s %8s %12s %10s %8s %8s %6s\n' target seconds executions exec/s corpus crashes hangs | tee "$summary"
for target in "${targets[@]}"; do
    out=$work/$target
    nice -n 15 timeout --kill-after=10 $((seconds + 120)) \
        afl-fuzz -V "$seconds" -i "$here/corpus/$target" -o "$out" -t 5000 -m none \
        -- dotnet "$work/instrumented/Farm.Fuzz.dll" "$target" >"$work/$target.log" 2>&1 || {
        echo "afl-fuzz failed on $target, see $work/$target.log" >&2
        exit 1
    }
    stats=$out/default/fuzzer_stats
    stat() { awk -F' *: *' -v key="$1" '$1 == key { print $2 }' "$stats"; }
    crashes=$(stat saved_crashes)
    printf '%-16s %8s %12s %10s %8s %8s %6s\n' "$target" "$(stat run_time)" "$(stat execs_done)" "$(stat execs_per_sec)" \
        "$(stat corpus_count)" "$crashes" "$(stat saved_hangs)" | tee -a "$summary"
    if [[ $crashes != 0 ]]; then
        found=1
        dotnet "$plain/Farm.Fuzz.dll" "$target" --replay "$out"/default/crashes/id:* >"$work/$target.crashes.txt" 2>&1 || true
    fi
done

echo "results: $work"
if [[ $found == 1 ]]; then
    echo "crashes found; each input's exception is in $work/<target>.crashes.txt" >&2
    exit 1
fi
