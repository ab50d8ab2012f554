#!/usr/bin/env bash
# The headline benchmarks: appends at 1/8/32 writers and in batches, loads (cold from MariaDB, hot tier,
# snapshot + tail, cached), bus dispatch, cache hits per tier (L1/L2/L3) and projection catch-up, each
# against its baseline in the same JMH run (raw JDBC, raw Jedis, raw Caffeine, a direct call, Axon 4.13),
# on the local MariaDB and Redis. Sized to finish in under 20 minutes on 2 cores (~14 min here with other work running).
#
#   benchmarks/run-headline.sh [--smoke] [--rebuild] [--no-docs] [--out DIR]
#
#   --smoke    one short iteration per benchmark (~3 min): checks the harness, not a result; writes to
#              benchmarks/target/headline-smoke and leaves docs/ alone
#   --rebuild  rebuild benchmarks/target/benchmarks.jar even if it exists
#   --no-docs  do not rewrite the generated section of docs/benchmarks.md
#   --out DIR  where headline.json and headline.md go (default benchmarks/results)
#
# Servers: MODDDD_MYSQL_URL / MODDDD_MYSQL_USER / MODDDD_MYSQL_PASSWORD (default
# jdbc:mariadb://127.0.0.1:3306/test, root, no password) and MODDDD_REDIS_URL (default redis://127.0.0.1:6379).
# Every benchmark works in a table / key prefix of its own and removes it afterwards, except the
# catch-up log `bench_catchup` (1,000,000 events, seeded once, kept for later runs).
#
# Output: ONE results file, headline.json (machine facts, the command of every part, every JMH result),
# and headline.md, the table of ratios against each baseline with the targets of the earlier issues
# (rendered by io.modularddd.benchmarks.HeadlineReport); the same table replaces the section between
# <!-- headline:start --> and <!-- headline:end --> in docs/benchmarks.md. Per-part JMH logs and result
# files stay in benchmarks/target/headline-parts.
set -uo pipefail

cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
OUT=benchmarks/results
SMOKE=0
REBUILD=0
DOCS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) SMOKE=1; OUT=benchmarks/target/headline-smoke; DOCS=0 ;;
    --rebuild) REBUILD=1 ;;
    --no-docs) DOCS=0 ;;
    --out) OUT="${2:?--out needs a directory}"; shift ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-headline.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

started_s=$(date +%s)
load_now() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime | sed 's/.*load average[s]*: //'; }
LOAD_START=$(load_now)

# 1. The jar. The Maven build alone holds this machine's build lock (if there is one); the JMH run does not.
if [ "$REBUILD" = 1 ] || [ ! -f "$JAR" ]; then
  echo "building $JAR ..."
  build=(mvn -B -q -pl benchmarks -am -DskipTests package)
  if command -v flock >/dev/null && [ -e /tmp/modddd-maven.lock ]; then
    build=(flock /tmp/modddd-maven.lock "${build[@]}")
  fi
  if ! "${build[@]}"; then
    echo "run-headline.sh: the build failed: ${build[*]}" >&2
    exit 1
  fi
fi

# 2. The servers must answer (the check names the URL, password masked, and how to start the server).
if ! check=$(java -cp "$JAR" io.modularddd.benchmarks.HeadlineReport check); then
  echo "run-headline.sh: MariaDB and Redis must both answer before the headline run; nothing was run." >&2
  exit 3
fi

PARTS=benchmarks/target/headline-parts
rm -rf "$PARTS" && mkdir -p "$PARTS" "$OUT"
FACTS="$PARTS/facts.properties"
{
  echo "started=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit=$(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "cores=$(nproc)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
  echo "jdk=$(java -version 2>&1 | sed -n 2p)"
  echo "os=$(uname -sr)"
  echo "$check" | grep -E '^(mariadb|redis)='
  echo "load_start=$LOAD_START"
  [ "$SMOKE" = 1 ] && echo "note=SMOKE RUN (one short iteration per benchmark): checks the harness, the numbers mean nothing"
} > "$FACTS"

# Iteration settings: appends 1 x 4 s warm-up + 5 x 4 s; loads 2 x 1 s + 5 x 2 s; bus and L2/L3 2 x 1 s + 5 x 1 s;
# L1 the same in 2 forks; catch-up 1 warm-up + 3 measured single shots of the whole log.
if [ "$SMOKE" = 1 ]; then
  APPENDS=(-f 1 -wi 0 -i 1 -r 2s); LOADS=(-f 1 -wi 0 -i 1 -r 1s); FAST=(-f 1 -wi 0 -i 1 -r 1s)
  L1=(-f 1 -wi 0 -i 1 -r 1s); CATCHUP=(-f 1 -wi 0 -i 1)
else
  APPENDS=(-f 1 -wi 1 -w 4s -i 5 -r 4s); LOADS=(-f 1 -wi 2 -w 1s -i 5 -r 2s); FAST=(-f 1 -wi 2 -w 1s -i 5 -r 1s)
  L1=(-f 2 -wi 2 -w 1s -i 5 -r 1s); CATCHUP=(-f 1 -wi 1 -i 3)
fi

quote() { # one shell word per argument, quoted only where the shell needs it
  local out="" a
  for a in "$@"; do
    if [[ "$a" =~ ^[A-Za-z0-9_./=,:+@-]+$ ]]; then out+=" $a"; else out+=" '$a'"; fi
  done
  echo "${out# }"
}

n=0
failed=()
part() { # part NAME JMH-ARGS...
  local name="$1"; shift
  n=$((n + 1))
  local load t0 rc
  load=$(load_now); t0=$(date +%s)
  printf '[%d] %-48s ' "$n" "$name"
  java -jar "$JAR" "$@" -rf json -rff "$PARTS/part-$n.json" > "$PARTS/part-$n.log" 2>&1
  rc=$?
  local secs=$(( $(date +%s) - t0 ))
  if [ $rc -ne 0 ] || [ ! -s "$PARTS/part-$n.json" ] || grep -q '<failure>' "$PARTS/part-$n.log"; then
    failed+=("$name (see $PARTS/part-$n.log)")
    echo "${secs}s  FAILED (exit $rc; see $PARTS/part-$n.log)"
  else
    echo "${secs}s"
  fi
  {
    echo "part.$n.name=$name"
    echo "part.$n.command=java -jar $JAR $(quote "$@") -rf json -rff part-$n.json"
    echo "part.$n.seconds=$secs"
    echo "part.$n.load=$load"
  } >> "$FACTS"
}

echo "headline run: $(nproc) cores, load average $LOAD_START; parts log to $PARTS"
part "appends 1/8/32 writers, batch, cold load (issue 3)" EventStoreBenchmark "${APPENDS[@]}"
part "hot-tier load vs warm tier and raw Jedis (issue 4)" HotTierBenchmark \
  -p source=hot-tier,hot-tier+payload,warm-mariadb,raw-jedis,raw-jedis+decode "${LOADS[@]}"
part "snapshot + tail and cached loads vs Axon (issue 12)" \
  'SnapshotBenchmark.(snapshot_plus_tail|cached_with_tail_check|cached_single_writer|baseline_current_version)$|AxonSnapshotBenchmark' \
  -p db=mariadb -p events=10000 "${LOADS[@]}"
part "snapshot + tail, 100 events (flatness, issue 12)" 'SnapshotBenchmark.snapshot_plus_tail$' \
  -p db=mariadb -p events=100 "${LOADS[@]}"
part "bus dispatch vs direct call and Axon (issue 14)" \
  'BusBenchmark.(direct_call|dispatch_0_middlewares|dispatch_3_middlewares|axon_dispatch|ask_uncached|ask_cached_l1_hit|axon_query)$' \
  "${FAST[@]}" -prof gc
part "L1 hit vs raw Caffeine, key generation (issue 13)" \
  'CacheBenchmark.(l1Hit_rawCaffeine|l1Hit_rawCaffeineExpiring|l1Hit_tieredCache|keyGeneration)$' "${L1[@]}" -prof gc
part "L2 hit vs raw Jedis GET (issue 13)" RedisCacheTierBenchmark -p valueBytes=4096 -bm sample "${FAST[@]}"
part "L3 hit vs raw JDBC primary-key select (issue 13)" JdbcCacheTierBenchmark -p valueBytes=1024 -bm sample "${FAST[@]}"

# The catch-up log is seeded once (about 30 s on an idle machine) and kept; the seeding is not measured.
seed_t0=$(date +%s)
if ! java -cp "$JAR" io.modularddd.benchmarks.CatchUpLog --events 1000000 > "$PARTS/seed.log" 2>&1; then
  failed+=("seeding bench_catchup (see $PARTS/seed.log)")
fi
echo "    (catch-up log checked/seeded in $(( $(date +%s) - seed_t0 ))s)"
part "projection catch-up of 1,000,000 events (issue 15)" \
  'EngineCatchUpBenchmark.(baseline_jdbcPages|baseline_jdbcPagesDecoded|engine_batched)$' "${CATCHUP[@]}"

total=$(( $(date +%s) - started_s ))
{
  echo "finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "duration=$((total / 60)) min $((total % 60)) s (build check, server check, seeding and every part)"
  echo "load_end=$(load_now)"
} >> "$FACTS"

docs_args=()
[ "$DOCS" = 1 ] && docs_args=(--docs docs/benchmarks.md)
java -cp "$JAR" io.modularddd.benchmarks.HeadlineReport report --facts "$FACTS" --json "$OUT/headline.json" \
  --md "$OUT/headline.md" "${docs_args[@]}" "$PARTS"/part-*.json > /dev/null || exit 1
echo "done in $((total / 60)) min $((total % 60)) s: $OUT/headline.json, $OUT/headline.md$([ "$DOCS" = 1 ] && echo ', docs/benchmarks.md')"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'run-headline.sh: failed: %s\n' "${failed[@]}" >&2
  exit 4
fi
[ $total -le 1200 ] || echo "run-headline.sh: took more than 20 minutes ($total s)" >&2
