# CLI behaviour of `arv run`.
. "$(dirname "$0")/lib.sh"
M=models/hand_landmark_lite.tflite

expect_rc 0 "$ARV" run "$M" --random-seed 1 -o "$T/a" --json
for i in 0 1 2 3; do expect "output_$i.npy written" test -s "$T/a/output_$i.npy"; done
expect "json names the outputs" grep -q '"name":	"Identity_3"' "$T/out"
expect "no temp files left" test -z "$(find "$T/a" -name '*.tmp*')"
# 63 floats + 128-byte npy header
expect "output_0 has 63 floats" test "$(stat -c %s "$T/a/output_0.npy")" = $((128 + 63 * 4))

# determinism: same input, same bytes
expect_rc 0 "$ARV" run "$M" --random-seed 1 -o "$T/b"
for i in 0 1 2 3; do expect "output_$i deterministic" cmp -s "$T/a/output_$i.npy" "$T/b/output_$i.npy"; done

# .npy input round trip: feed a golden input if present
G=testdata/golden/hand_landmark_lite/photo/input_0.npy
if [ -f "$G" ]; then
    expect_rc 0 "$ARV" run "$M" --input "$G" -o "$T/c"
    expect "photo output written" test -s "$T/c/output_0.npy"
fi

# wrong input shape: one line naming the file
expect_rc 0 "$ARV" run models/selfie_segmentation.tflite --random-seed 3 -o "$T/s"
expect_rc 3 "$ARV" run "$M" --input "$T/s/output_0.npy" -o "$T/d" &&
    expect_one_line_error "output_0.npy: shape [1,256,256,1] does not match model input 0"
expect "no output after a failure" test ! -e "$T/d/output_0.npy"
printf 'garbage' >"$T/bad.npy"
expect_rc 3 "$ARV" run "$M" --input "$T/bad.npy" && expect_one_line_error "bad.npy: not a NumPy .npy file"

# unwritable output directory
mkdir -p "$T/ro" && chmod 500 "$T/ro"
if [ "$(id -u)" != 0 ]; then
    expect_rc 3 "$ARV" run "$M" --random-seed 1 -o "$T/ro" && expect_one_line_error "cannot create"
fi
expect_rc 3 "$ARV" run "$M" --random-seed 1 -o /proc/arv-nope && expect_one_line_error "/proc/arv-nope"

# usage errors
expect_rc 2 "$ARV" run "$M" && expect_one_line_error "give either --input files or --random-seed"
expect_rc 2 "$ARV" run "$M" --random-seed x && expect_one_line_error "--random-seed"
expect_rc 2 "$ARV" run "$M" --random-seed 1 --threads 0 && expect_one_line_error "--threads"
expect_rc 2 "$ARV" run "$M" --random-seed 1 --isa sparc && expect_one_line_error "ISA 'sparc'"
finish
