#!/usr/bin/env bash
# `dnnrepair lint` as a user meets it: findings with rule, confidence, line
# and parameters, JSON, the fix and --config, literal faults outside the
# space, data rules, and exit status 2 with file:line on bad input.
set -euo pipefail
bin=$1 source=$2
subjects=$source/configs/subjects
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$bin" lint --help | grep -q "usage: dnnrepair lint" || fail "lint --help"
"$bin" --help | grep -q " lint SUBJECT.cfg" || fail "lint missing from dnnrepair --help"

# D1: softmax over its single output unit, act3, template line 83.
"$bin" lint "$subjects/D1.cfg" > "$tmp/out" 2> "$tmp/err" || fail "lint D1: $(cat "$tmp/err")"
grep -q "^D1 (faulty values, with the data set): 2 findings" "$tmp/out" || fail "D1 header: $(cat "$tmp/out")"
grep -Eq "^0\.95 +softmax-single-unit +83 +act3 +softmax over a single output unit" "$tmp/out" \
  || fail "D1 finding: $(cat "$tmp/out")"
test "$(sed -n 3p "$tmp/out" | cut -c1-4)" = "0.95" || fail "findings not sorted by confidence"
"$bin" lint "$subjects/D1.cfg" --json > "$tmp/json" || fail "lint --json"
grep -q '{"rule":"softmax-single-unit","confidence":0.95,"line":83,"layer":7,"params":\["act3"\],"message":"softmax over' "$tmp/json" \
  || fail "D1 JSON: $(cat "$tmp/json")"
if command -v python3 > /dev/null; then
  python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); assert isinstance(a, list) and len(a) == 2' "$tmp/json" \
    || fail "lint --json is not a JSON array of 2 findings"
fi
# The fix, and the faulty values with act3 set by hand: no softmax finding.
"$bin" lint "$subjects/D1.cfg" --values fix > "$tmp/out" || fail "lint --values fix"
grep -q "softmax-single-unit" "$tmp/out" && fail "D1 fix still flagged: $(cat "$tmp/out")"
"$bin" lint "$subjects/D1.cfg" --config act3=sigmoid --json > "$tmp/json" || fail "lint --config"
grep -q "softmax-single-unit" "$tmp/json" && fail "--config act3=sigmoid not applied"
grep -q '"rule":"single-epoch"' "$tmp/json" || fail "D1 single epoch: $(cat "$tmp/json")"

# R1: the fault is a regulariser pinned to 'l1', outside the search space;
# the fix (kr1 = None) removes it.
"$bin" lint "$subjects/R1.cfg" > "$tmp/out" 2> /dev/null || fail "lint R1"
grep -Eq "^0\.75 +strong-regularizer +73 +- +kernel_regularizer 'l1'.*pinned parameter 'kr1', not searched: outside the search space" "$tmp/out" \
  || fail "R1: $(cat "$tmp/out")"
"$bin" lint "$subjects/R1.cfg" --values fix > "$tmp/out" 2> /dev/null || fail "lint R1 fix"
grep -q "strong-regularizer" "$tmp/out" && fail "R1 fix still flagged: $(cat "$tmp/out")"

# D9: the script's y_train / 255 (train_label_divisor) leaves one class to learn.
"$bin" lint "$subjects/D9.cfg" > "$tmp/out" 2> /dev/null || fail "lint D9"
grep -Eq "^0\.95 +single-class-labels +- +- +every training label is the same class" "$tmp/out" \
  || fail "D9: $(cat "$tmp/out")"

# D7: a data rule (a one-layer model's reach), skipped with --no-data.
"$bin" lint "$subjects/D7.cfg" > "$tmp/out" 2> /dev/null || fail "lint D7"
grep -Eq "^0\.75 +step-budget-too-small +59 +lr,epochs,batch_size" "$tmp/out" || fail "D7: $(cat "$tmp/out")"
"$bin" lint "$subjects/D7.cfg" --no-data > "$tmp/out" || fail "lint D7 --no-data"
grep -q "^D7 (faulty values, without the data set): 0 findings" "$tmp/out" || fail "D7 --no-data: $(cat "$tmp/out")"

# --train: one training with indicators, read by AutoTrainer's rules. D1's
# softmax over one unit gives exactly zero gradients: a dying-ReLU symptom.
"$bin" lint "$subjects/D1.cfg" --train > "$tmp/out" 2> "$tmp/err" || fail "lint --train: $(cat "$tmp/err")"
grep -Eq "^training: ok, accuracy [0-9.]+ on the search part, 1 epoch, .*AutoTrainer: dying_relu" "$tmp/out" \
  || fail "--train summary: $(cat "$tmp/out")"
grep -Eq "^0\.60 +train-dying-relu +- +lr +AutoTrainer: dying ReLU at epoch 1" "$tmp/out" \
  || fail "--train finding: $(cat "$tmp/out")"
"$bin" lint "$subjects/D1.cfg" --train --json > "$tmp/json" 2> /dev/null || fail "lint --train --json"
grep -q '"rule":"train-dying-relu"' "$tmp/json" || fail "--train --json: $(cat "$tmp/json")"

# Bad input: exit status 2, with file:line where there is one.
set +e
"$bin" lint 2> /dev/null > /dev/null; test $? -eq 2 || fail "no subject: status"
"$bin" lint "$subjects/D1.cfg" --train --no-data > /dev/null 2> "$tmp/err"
test $? -eq 2 || fail "--train --no-data: status"
"$bin" lint "$subjects/D1.cfg" --config act3=nonsense > /dev/null 2> "$tmp/err"
test $? -eq 2 || fail "bad --config: status"
grep -q "D1.cfg: --config act3=nonsense" "$tmp/err" || fail "bad --config message: $(cat "$tmp/err")"
"$bin" lint "$source/tests/fixtures/config/unknown_key.cfg" > /dev/null 2> "$tmp/err"
test $? -eq 2 || fail "bad subject: status"
grep -q "unknown_key.cfg:4: unknown key 'tsk'" "$tmp/err" || fail "bad subject message: $(cat "$tmp/err")"
sed 's/type = "activation"; activation = "\$act3"/type = "activation"; activaton = "$act3"/' \
  "$subjects/D1.cfg" > "$tmp/typo.cfg"
"$bin" lint "$tmp/typo.cfg" > /dev/null 2> "$tmp/err"
test $? -eq 2 || fail "bad template: status"
grep -q "typo.cfg:83: layer 8 (activation): unknown key 'activaton'" "$tmp/err" || fail "bad template message: $(cat "$tmp/err")"
"$bin" lint "$subjects/analytic/branin.cfg" > /dev/null 2> "$tmp/err"
test $? -eq 2 || fail "analytic subject: status"
grep -q "lint checks data-set subjects" "$tmp/err" || fail "analytic message: $(cat "$tmp/err")"
set -e
echo "1 passed, 0 failed"
