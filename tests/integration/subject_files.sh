#!/usr/bin/env bash
# The benchmark's subject files (configs/subjects/*.cfg): every one passes
# `dnnrepair validate` (parse, space, template, loader options, data load);
# every one trains its faulty values and its fix for one epoch on a subset of
# its data (the loaders' row limits); `dnnrepair subjects validate` exposes
# the faults of D1 and D7 with DeepCrime's killing criterion; and D4's
# diverged faulty model is scored as Keras scores it.
set -euo pipefail
bin=$1 source=$2
dir="$source/configs/subjects"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

ids="D1 D2 D3 D4 D5 D6 D7 D8 D9 C1 C2 C3 U1 U2 U3 U4 U5 U6 U7 U8 M1 M2 M3 R1 R2 R3 R4 R5 R6 R7"
for id in $ids; do
  test -f "$dir/$id.cfg" || fail "missing $id.cfg"
  "$bin" validate "$dir/$id.cfg" > "$tmp/out" 2>&1 || fail "$id: $(cat "$tmp/out")"
  grep -q "$id.cfg: ok" "$tmp/out" || fail "$id: $(cat "$tmp/out")"
  grep -q "^validated = \|^# Not validated here" "$dir/$id.cfg" || fail "$id: no validation record"
done

# One epoch on a subset: a copy of the file whose dataset group gets the
# loader's row limit (idx, cifar, textcat: the third argument's train and
# test samples, 100 by default; eyes: 150 generated; the synthetic sets are
# small already) and whose
# training group trains 1 epoch (about a second on one core). The faulty
# values train for every subject; the fix too where it carries what no
# faulty training exercises: values outside the search space (reference-
# only) or a pinned parameter (R1, U2: the model without its regulariser).
# D4's faulty lr 3.0 diverges at step 4, R2's softsign and R7's linear
# outputs may give a NaN cross-entropy at step 1 (as in 2 of their 20
# validation runs), and every other training ends ok.
quick() {
  local src=$1 out=$2 rows=${3:-100} loader lim=""
  loader=$(sed -n 's/^dataset = { loader = "\([a-z]*\)".*/\1/p' "$src")
  case $loader in
    idx|cifar|textcat) lim="rows = $rows; " ;;
    eyes) lim="n = 150; " ;;
    synthetic) ;;
    *) fail "$src: no row limit known for loader '$loader'" ;;
  esac
  sed -e "s/^dataset = { /dataset = { $lim/" -e 's/epochs = "\$epochs";/epochs = 1;/' "$src" > "$out"
  grep -q "epochs = 1;" "$out" || fail "$src: no epochs = \"\$epochs\" to replace"
}
fixes=""
for id in $ids; do
  quick "$dir/$id.cfg" "$tmp/$id.cfg"
  values_list=faulty
  if grep -q "OUTSIDE the search space\|pinned = true" "$dir/$id.cfg"; then
    values_list="faulty fix"
    fixes="$fixes $id"
  fi
  for values in $values_list; do
    "$bin" train "$tmp/$id.cfg" --values $values --threads 1 --json > "$tmp/train" 2> "$tmp/err" || true
    case $id/$values in
      D4/faulty) want=diverged ;;
      R2/faulty|R7/faulty) want="ok|diverged" ;;
      *) want=ok ;;
    esac
    grep -Eq "\"status\":\"($want)\"" "$tmp/train" \
      || fail "$id $values: expected $want: $(cat "$tmp/train" "$tmp/err")"
  done
done
# D2, D3, D5, D6, D9, C2, U4, U6, U8 reach outside the space; R1, U2 pin.
test "$fixes" = " D2 D3 D5 D6 D9 C2 U2 U4 U6 U8 R1" || fail "fixes trained:$fixes"

# A bad row limit names the file, the dataset group's line and what was expected.
sed 's/^dataset = { /dataset = { rows = -5; /' "$dir/M1.cfg" > "$tmp/bad_rows.cfg"
line=$(grep -n '^dataset = {' "$tmp/bad_rows.cfg" | cut -d: -f1)
if "$bin" validate "$tmp/bad_rows.cfg" > "$tmp/out" 2>&1; then fail "rows = -5 accepted"; fi
grep -qF "bad_rows.cfg:$line: dataset: loader 'idx': rows = -5: expected 0 (all) or a positive count" "$tmp/out" \
  || fail "rows = -5 message: $(cat "$tmp/out")"

# D4's faulty model diverges at step 4. By default the training stops without
# metrics; scored as Keras scores it, its NaN outputs are class 0 under TF's
# arg-max, so the holdout accuracy is the holdout's share of class 0: 168 of
# the 2,000 rows that RandomState(42) sets aside from Fashion-MNIST's test
# labels (counted with numpy, outside this project).
# (exit status 3: the training did not end ok)
"$bin" train "$dir/D4.cfg" --set epochs=14 --threads 1 > "$tmp/d4" 2>&1 || test $? -eq 3
grep -q "^status    diverged: the training loss became" "$tmp/d4" || fail "D4 default: $(cat "$tmp/d4")"
grep -q "holdout nan$" "$tmp/d4" || fail "D4 default holdout: $(cat "$tmp/d4")"
"$bin" train "$dir/D4.cfg" --set epochs=14 --threads 1 --score-diverged > "$tmp/d4" 2>&1 \
  || test $? -eq 3
grep -q "^status    diverged: .*trained on and evaluated as Keras does" "$tmp/d4" \
  || fail "D4 scored: $(cat "$tmp/d4")"
grep -q "^accuracy  search 0.104, holdout 0.084$" "$tmp/d4" || fail "D4 scored holdout: $(cat "$tmp/d4")"
grep -q "^epoch 14 " "$tmp/d4" || fail "D4 did not train on: $(cat "$tmp/d4")"

"$bin" subjects validate --help | grep -q "usage: dnnrepair subjects validate" || fail "help"
if "$bin" subjects validate "$dir/D1.cfg" --runs 1 > /dev/null 2>&1; then fail "--runs 1 accepted"; fi

# D1: softmax over one unit is constant, so a few runs suffice.
"$bin" subjects validate "$dir/D1.cfg" --runs 3 -j 2 > "$tmp/d1" || fail "D1 not killed: $(cat "$tmp/d1")"
grep -q "^verdict   killed" "$tmp/d1" || fail "D1 verdict: $(cat "$tmp/d1")"
grep -q "^faulty    mean 0.525" "$tmp/d1" || fail "D1 faulty mean: $(cat "$tmp/d1")"
grep -q "^fix       mean 1$" "$tmp/d1" || fail "D1 fix mean: $(cat "$tmp/d1")"

# D7: MAE (minimised); lr 0.001 leaves the line far from fitted after 200 epochs.
"$bin" subjects validate "$dir/D7.cfg" --runs 5 -j 2 --json > "$tmp/d7" || fail "D7 not killed: $(cat "$tmp/d7")"
grep -q '"verdict":"killed"' "$tmp/d7" || fail "D7 verdict: $(cat "$tmp/d7")"
grep -q '"direction":"min"' "$tmp/d7" || fail "D7 direction: $(cat "$tmp/d7")"

# A fix that equals the faulty values is not killed (exit status 1).
set +e
"$bin" subjects validate "$dir/D7.cfg" --runs 3 -j 2 --set lr=0.1 > "$tmp/same" 2>&1
rc=$?
set -e
test $rc -eq 1 || fail "identical configurations: exit $rc: $(cat "$tmp/same")"
grep -q "^verdict   not killed" "$tmp/same" || fail "identical verdict: $(cat "$tmp/same")"
# A repair run scores the faulty program's diverged reference trainings as
# Keras does (the study's Faulty column: D4 0.10), while its searched
# trials that diverge stay unscored. On a cut of D4 (300 rows, 1 epoch) the
# faulty references score what `train --score-diverged` scores, and the
# report's faulty mean is that value, not nan.
quick "$dir/D4.cfg" "$tmp/d4q.cfg" 300
"$bin" train "$tmp/d4q.cfg" --threads 1 --score-diverged --json > "$tmp/d4q" 2>/dev/null || test $? -eq 3
want=$(sed -n 's/.*"holdout":\([0-9.e+-]*\).*/\1/p' "$tmp/d4q")
test -n "$want" || fail "D4 cut scored holdout: $(cat "$tmp/d4q")"
cat > "$tmp/d4run.cfg" <<EOF
name = "d4_refs"; seed = 5;
subjects = [ "$tmp/d4q.cfg" ];
searchers = ( { name = "random"; } );
budgets = [2]; budget_mode = "evaluations"; repeats = 1; eval_runs = 2; final_runs = 0;
workers = 2; threads = 1;
output = "$tmp/d4run";
EOF
"$bin" run "$tmp/d4run.cfg" > "$tmp/d4run.log" 2>&1 || fail "D4 run: $(tail -5 "$tmp/d4run.log")"
refs=$(grep '"#faulty"' "$tmp/d4run/trials.jsonl" | grep -c '"diverged"' || true)
test "$refs" = 2 || fail "D4 faulty references: $(grep '#faulty' "$tmp/d4run/trials.jsonl")"
faulty_mean=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "faulty_mean") c = i }
                       NR == 2 { print $c }' "$tmp/d4run/summary.csv")
awk -v a="$faulty_mean" -v b="$want" 'BEGIN { d = a - b; exit !(a != "" && d < 1e-9 && d > -1e-9) }' \
  || fail "D4 faulty mean '$faulty_mean', expected $want (the scored diverged training)"

echo "subject files: ok"
