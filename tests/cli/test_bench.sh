# CLI behaviour of `arv bench`. Few runs on small models, so it stays fast.
. "$(dirname "$0")/lib.sh"
M=models/selfie_segmentation_landscape.tflite
Q=(--num_runs 3 --warmup_runs 1 --min_secs 0 --warmup_min_secs 0)

# human report: benchmark_model's timing line, percentiles, memory, GMAC/s
expect_rc 0 "$ARV" bench "$M" "${Q[@]}"
expect "count=3 in the timing line" grep -q 'count=3 first=[0-9.]* curr=[0-9.]* min=.* max=.* avg=.* std=' "$T/out"
expect "percentiles" grep -q 'p50=[0-9.]* p90=[0-9.]* p99=[0-9.]*' "$T/out"
expect "init time" grep -q '^init  .* ms' "$T/out"
expect "peak RSS and arena" grep -q 'peak RSS [0-9]* KB.*arena [0-9]* bytes' "$T/out"
expect "GMAC/s and peak share" grep -q 'GMAC/s at the median' "$T/out"
expect "peak share states its assumption" grep -q '^peak share .*MAC/cycle (' "$T/out"
expect "quiet stderr" test ! -s "$T/err"

# both --flag=V and --flag V forms
expect_rc 0 "$ARV" bench "$M" --num_runs=2 --warmup_runs=0 --warmup_min_secs=0 --min_secs=0 --num_threads=1
expect "--flag=V form" grep -q 'count=2 ' "$T/out"
expect "no warm-up" grep -q '^warm-up  *none' "$T/out"

# --json: one document with the documented keys
expect_rc 0 "$ARV" bench "$M" "${Q[@]}" --json --num_threads 1
for k in invoke_ms median mean min max p90 p99 std count first init_ms peak_rss_kb arena_bytes \
         macs gmacs_per_s peak_share measured_peak_gmacs_per_s measured_peak_share isa threads \
         model machine cpu cores mhz; do
    expect "json has \"$k\"" grep -q "\"$k\":" "$T/out"
done
expect "json count is 3" grep -Eq '"count":[[:space:]]*3,' "$T/out"
expect "json threads is 1" grep -Eq '"threads":[[:space:]]*1,' "$T/out"
expect "json without profiling has no ops" test -z "$(grep '"ops":' "$T/out")"
if command -v python3 >/dev/null 2>&1; then
    expect "json parses" python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["invoke_ms"]["count"] == 3' <"$T/out"
    # the measured FMA peak is a real figure for SIMD kernel sets, none for generic C
    expect "measured peak for the best ISA" python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["isa"] == "generic" or d["measured_peak_gmacs_per_s"] > 0.5, d["measured_peak_gmacs_per_s"]' <"$T/out"
fi

# op profiling: the three tables, CONV_2D with its kernel and GMAC/s
expect_rc 0 "$ARV" bench "$M" "${Q[@]}" --enable_op_profiling
expect "run order table" grep -q '= Run Order =' "$T/out"
expect "top by time table" grep -q '= Top by Computation Time =' "$T/out"
expect "summary by node type" grep -q '= Summary by node type =' "$T/out"
expect "CONV_2D rows" grep -Eq '^CONV_2D +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+% ' "$T/out"
expect "node count" grep -q '^Number of nodes executed: [1-9]' "$T/out"
expect "CONV_2D GMAC/s in the summary" grep -Eq '^CONV_2D +[0-9]+ +[0-9.]+ +[0-9.]+% +[0-9.]+% +[0-9.]+ +3 +[0-9.]+ ' "$T/out"

# csv mode: CSV on stdout with a header line, report on stderr
expect_rc 0 "$ARV" bench "$M" "${Q[@]}" --op_profiling_output_mode=csv
expect "csv header" grep -q '^isa,threads,node,op,output,kernel,start_ms,first_ms,avg_ms,' "$T/out"
expect "csv node-type header" grep -q '^isa,threads,op,count,avg_ms,' "$T/out"
expect "csv CONV_2D rows" grep -q ',CONV_2D,' "$T/out"
expect "csv stdout has no report" test -z "$(grep 'count=' "$T/out")"
expect "report moved to stderr" grep -q 'count=3 ' "$T/err"

# json profile to a file, human report stays on stdout
expect_rc 0 "$ARV" bench "$M" "${Q[@]}" --op_profiling_output_mode json --op_profiling_output_file "$T/p.json"
expect "profile file written" grep -q '"by_node_type":' "$T/p.json"
expect "report on stdout" grep -q 'count=3 ' "$T/out"
expect_rc 0 "$ARV" bench "$M" "${Q[@]}" --json --enable_op_profiling=true
expect "json ops" grep -q '"ops":' "$T/out"
expect "json ops kernel" grep -q '"kernel":' "$T/out"

# thread sweep: a comparison and a JSON array of runs
expect_rc 0 "$ARV" bench "$M" --num_runs 2 --warmup_runs 0 --warmup_min_secs 0 --min_secs 0 --threads 1,2
expect "comparison table" grep -q '= Comparison =' "$T/out"
expect "two rows compared" test "$(grep -cE '^[a-z0-9_]+ +[12] +[0-9.]+ ' "$T/out")" = 2
expect_rc 0 "$ARV" bench "$M" --num_runs 2 --warmup_runs 0 --warmup_min_secs 0 --min_secs 0 --threads 1,2 --json
expect "json runs array" grep -q '"runs":' "$T/out"

# an ISA this build lacks: one error line for it, the others still run (exit 1)
expect_rc 1 "$ARV" bench "$M" --num_runs 1 --warmup_runs 0 --warmup_min_secs 0 --min_secs 0 --isa generic,sparc --threads 1,2 &&
    expect_one_line_error "--isa sparc: ISA 'sparc' is not available"
expect "generic still reported" grep -q 'count=1 ' "$T/out"
expect_rc 2 "$ARV" bench "$M" --num_runs 1 --isa sparc && expect_one_line_error "ISA 'sparc'"

# inputs: .npy in model order, by name (.npy or raw float32), wrong shape
G=testdata/golden/selfie_segmentation_landscape/photo/input_0.npy
if [ -f "$G" ]; then
    expect_rc 0 "$ARV" bench "$M" --num_runs 1 --warmup_runs 0 --warmup_min_secs 0 --min_secs 0 --input "$G"
    expect "input file named" grep -q "input_0.npy" "$T/out"
    tail -c $((144 * 256 * 3 * 4)) "$G" >"$T/raw.f32"
    expect_rc 0 "$ARV" bench "$M" --num_runs 1 --warmup_runs 0 --warmup_min_secs 0 --min_secs 0 \
        --input_layer_value_files "input_1:$T/raw.f32"
    expect "raw input named" grep -q "raw.f32" "$T/out"
fi
expect_rc 0 "$ARV" run models/hand_landmark_lite.tflite --random-seed 1 -o "$T/h"
expect_rc 3 "$ARV" bench "$M" --num_runs 1 --input "$T/h/output_0.npy" &&
    expect_one_line_error "does not match model input 0"
expect_rc 2 "$ARV" bench "$M" --num_runs 1 --input_layer_value_files "nope:$T/raw.f32" &&
    expect_one_line_error "no input named 'nope'"

# usage errors: one line, exit 2
expect_rc 2 "$ARV" bench "$M" --num_runs x && expect_one_line_error "--num_runs: 'x'"
expect_rc 2 "$ARV" bench "$M" --bogus && expect_one_line_error "unknown option"
expect_rc 2 "$ARV" bench "$M" --op_profiling_output_mode=xml && expect_one_line_error "stdout, csv or json"
expect_rc 2 "$ARV" bench "$M" --enable_op_profiling=maybe && expect_one_line_error "true or false"
expect_rc 2 "$ARV" bench "$M" --threads 1,x && expect_one_line_error "--threads"
expect_rc 2 "$ARV" bench "$M" --json --op_profiling_output_mode=csv && expect_one_line_error "--op_profiling_output_file"
expect_rc 2 "$ARV" bench && expect_one_line_error "expected exactly one MODEL"
expect_rc 0 "$ARV" bench --help
expect "help lists benchmark_model flags" grep -q -- '--warmup_min_secs' "$T/out"

# not a model: exit 3, one line
printf 'not a model' >"$T/bad.tflite"
expect_rc 3 "$ARV" bench "$T/bad.tflite" && expect_one_line_error "bad.tflite"
expect_rc 3 "$ARV" bench "$T/missing.tflite" && expect_one_line_error "no such file"
# --precision: the int8 twin from models/int8/ (ARV_MODELS), side by side
mkdir -p "$T/pm/int8"
ln -s "$(pwd)/$M" "$T/pm/"
if scripts/make-int8-models --arv "$ARV" --dir "$T/pm" -q >/dev/null 2>&1 &&
   "$ARV" run "$T/pm/int8/$(basename "$M")" --random-seed 1 -o "$T/run" >/dev/null 2>&1; then
    expect_rc 0 env ARV_MODELS="$T/pm" "$ARV" bench "$(basename "$M" .tflite)" "${Q[@]}" --precision fp32,int8
    expect "side by side" grep -q '^==== fp32 vs int8' "$T/out"
    expect "int8 line" grep -Eq '^  int8 +[0-9.]+ ms' "$T/out"
    expect_rc 0 env ARV_MODELS="$T/pm" "$ARV" bench "$(basename "$M" .tflite)" "${Q[@]}" --precision fp32,int8 --json
    expect "json precisions" grep -q '"precisions":' "$T/out"
    expect "json speedup" grep -q '"speedup":' "$T/out"
fi
mkdir -p "$T/lonely"
ln -s "$(pwd)/$M" "$T/lonely/"
expect_rc 3 "$ARV" bench "$T/lonely/$(basename "$M")" "${Q[@]}" --precision int8 && expect_one_line_error "int8"
expect_rc 2 "$ARV" bench "$M" "${Q[@]}" --precision fp16 && expect_one_line_error "precision"
finish
