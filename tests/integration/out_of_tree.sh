#!/usr/bin/env bash
# Install dnnrepair into a temporary prefix, build the README's example
# searcher against it twice (CMake package, pkg-config), drop it into
# $DNNR_PLUGIN_PATH and run an experiment comparing it with random search.
set -euo pipefail
build=$1 source=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" > /dev/null

cmake -S "$source/sdk/examples/hello_searcher" -B "$tmp/hello" -DCMAKE_PREFIX_PATH="$tmp/prefix" > /dev/null
cmake --build "$tmp/hello" > /dev/null
test -f "$tmp/hello/hello.so"

mkdir "$tmp/pc"
cflags=$(PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig" pkg-config --cflags dnnrepair)
cc -std=c17 -shared -fPIC $cflags "$source/sdk/examples/hello_searcher/hello.c" \
   -o "$tmp/pc/hello.so" -Wl,-z,defs -lm

# The README shows the example in full; it must be the file that builds.
awk '/^```c$/{f=1;next} /^```$/{if(f) exit} f' "$source/README.md" |
  diff -q - "$source/sdk/examples/hello_searcher/hello.c" > /dev/null

export DNNR_PLUGIN_PATH="$tmp/hello"
"$tmp/prefix/bin/dnnrepair" plugins --json > "$tmp/plugins.json"
grep -q '"name":"hello","kind":"searcher"' "$tmp/plugins.json"
grep -q '"name":"random","kind":"searcher"' "$tmp/plugins.json"

# The same plugin twice (CMake and pkg-config builds) is refused by name.
DNNR_PLUGIN_PATH="$tmp/hello:$tmp/pc" "$tmp/prefix/bin/dnnrepair" plugins 2> "$tmp/warn" > /dev/null
grep -q "a searcher plugin named 'hello' is already loaded from" "$tmp/warn"

cat > "$tmp/exp.cfg" <<CFG
name = "oot";
seed = 3;
subjects = ["$source/configs/subjects/analytic/branin.cfg"];
searchers = ( "random", { name = "hello"; options = { step = 0.1; }; } );
budgets = [30];
repeats = 3;
CFG
"$tmp/prefix/bin/dnnrepair" run "$tmp/exp.cfg" --out "$tmp/out" -j 2 2> "$tmp/log"
test "$(grep -c '"trial":' "$tmp/out/trials.jsonl")" -eq 180
grep -q '| branin (min) |' "$tmp/out/report.md"
grep -q '^branin,hello,30,min,3,90,0,' "$tmp/out/summary.csv"
echo "1 passed, 0 failed"
