#!/usr/bin/env bash
# The command line as a user meets it: help everywhere, clear errors with
# file:line, exit codes, and the report rebuilt from trials.jsonl.
set -euo pipefail
bin=$1 source=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

for cmd in run report validate plugins stats; do
  "$bin" $cmd --help | grep -q "usage: dnnrepair $cmd" || fail "$cmd --help"
done
"$bin" --help | grep -q "commands:" || fail "--help"
"$bin" frobnicate 2> "$tmp/err" && fail "unknown command accepted"
grep -q "unknown command 'frobnicate'" "$tmp/err" || fail "unknown command message"

"$bin" validate "$source"/configs/subjects/analytic/*.cfg "$source/configs/experiments/testfunctions.cfg" \
  > /dev/null 2> "$tmp/err" || grep -q "hello" "$tmp/err" || fail "valid files rejected: $(cat "$tmp/err")"
if "$bin" validate "$source/tests/fixtures/config/unknown_key.cfg" 2> "$tmp/err"; then fail "bad file accepted"; fi
grep -q "unknown_key.cfg:4: unknown key 'tsk'" "$tmp/err" || fail "validate message: $(cat "$tmp/err")"

printf 'id = "b";\ntask = "analytic";\nmetric = { name = "v"; direction = "min"; };\ndataset = { loader = "testfunctions"; functon = "branin"; };\n' > "$tmp/typo.cfg"
if "$bin" validate "$tmp/typo.cfg" 2> "$tmp/err"; then fail "option typo accepted"; fi
grep -q "typo.cfg:4: unknown option 'functon' for testfunctions (did you mean 'function'?)" "$tmp/err" \
  || fail "typo message: $(cat "$tmp/err")"

cat > "$tmp/exp.cfg" <<CFG
name = "cli";
subjects = ["$source/configs/subjects/analytic/branin.cfg", "$source/configs/subjects/analytic/mixed.cfg"];
searchers = ( "random" );
budgets = [12];
repeats = 2;
CFG
"$bin" run "$tmp/exp.cfg" --out "$tmp/out" 2> "$tmp/log" || fail "run: $(cat "$tmp/log")"
grep -q "4/4 runs done, 48 trials" "$tmp/log" || fail "progress: $(cat "$tmp/log")"
for j in abc 0 -3 2x; do
  if "$bin" run "$tmp/exp.cfg" --out "$tmp/out-j" -j "$j" 2> "$tmp/err"; then fail "-j $j accepted"; fi
  grep -q "run: -j expects a number of workers between 1 and 4096" "$tmp/err" || fail "-j $j message"
done
if "$bin" run "$tmp/exp.cfg" --out "$tmp/out" 2> "$tmp/err"; then fail "overwrote a run"; fi
grep -q "already holds a run" "$tmp/err" || fail "overwrite message"
"$bin" run "$tmp/exp.cfg" --out "$tmp/out" --resume 2> "$tmp/log" || fail "resume of a finished run"
test "$(grep -c '"trial":' "$tmp/out/trials.jsonl")" -eq 48 || fail "resume repeated trials"
cp "$tmp/out/report.md" "$tmp/report.md"
rm "$tmp/out/report.md" "$tmp/out/summary.csv"
"$bin" report "$tmp/out" || fail "report"
cmp -s "$tmp/report.md" "$tmp/out/report.md" || fail "report not reproduced byte for byte"
# A pinned parameter (a fault the study hard-coded, as R1's regulariser):
# every trial a searcher proposes keeps its faulty value, the fix's
# reference trainings use the fix's, and the journal marks it pinned.
cat > "$tmp/pinned.cfg" <<CFG
id = "pinned";
task = "regression";
metric = { name = "mae"; direction = "min"; };
dataset = { loader = "synthetic"; generator = "d7"; };
space = (
  # Not the first choice: a tail left unfilled would read as 'l1'.
  { name = "kr1"; type = "categorical"; choices = ["l1", "l2"]; pinned = true; },
  { name = "lr"; type = "float"; lo = 0.0001; hi = 0.1; log = true; },
  { name = "batch_size"; type = "categorical"; choices = ["8", "16"]; }
);
faulty = { kr1 = "l2"; lr = 0.01; batch_size = "16"; };
fix = { kr1 = "None"; };
model = ( { type = "dense"; units = 1; kernel_regularizer = "\$kr1"; } );
training = { loss = "mean_squared_error"; optimizer = "sgd"; lr = "\$lr"; batch_size = "\$batch_size";
             epochs = 2; };
CFG
cat > "$tmp/pinned_exp.cfg" <<CFG
name = "pinned";
subjects = ["$tmp/pinned.cfg"];
searchers = ( "random" );
budgets = [6];
budget_mode = "evaluations";
repeats = 1;
eval_runs = 2;
threads = 1;
CFG
"$bin" run "$tmp/pinned_exp.cfg" --out "$tmp/pinned_out" 2> "$tmp/log" || fail "pinned run: $(cat "$tmp/log")"
j="$tmp/pinned_out/trials.jsonl"
grep -q '"name":"kr1","type":"categorical","pinned":true' "$j" || fail "journal: kr1 not pinned"
searched=$(grep '"searcher":"random"' "$j" | grep -c '"trial":' || true)
test "$searched" -eq 6 || fail "pinned: $searched searched trials, expected 6"
if grep '"searcher":"random"' "$j" | grep '"trial":' | grep -v '"kr1":"l2"' > /dev/null; then
  fail "a searched trial changed the pinned parameter"
fi
grep '"trial":' "$j" | grep -q '"kr1":"None"' || fail "no fix reference training with kr1 = None"
echo "1 passed, 0 failed"
