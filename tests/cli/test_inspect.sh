# CLI behaviour of `arv inspect`.
. "$(dirname "$0")/lib.sh"
M=models/selfie_segmentation.tflite

expect_rc 0 "$ARV" inspect "$M"
expect "inspect prints the input shape" grep -q 'input  0 .*FLOAT32  \[1,256,256,3\]' "$T/out"
expect "inspect prints MACs" grep -q '^MACs  *59215744 ' "$T/out"
expect "inspect prints the arena" grep -q '^arena  *[1-9][0-9]* bytes' "$T/out"
expect "DEQUANTIZE reported folded" grep -qE '^DEQUANTIZE +110 +110 ' "$T/out"

expect_rc 0 "$ARV" inspect --json "$M"
expect "json has macs" grep -q '"macs":	59215744' "$T/out"
expect "json has arena_bytes" grep -q '"arena_bytes":	[1-9]' "$T/out"
expect "json lists ops" grep -q '"op":	"Convolution2DTransposeBias"' "$T/out"

# a model found by name
expect_rc 0 "$ARV" inspect selfie_segmentation

# not a model: one line naming the file, exit 3
printf 'hello, not a model\n' >"$T/notes.tflite"
expect_rc 3 "$ARV" inspect "$T/notes.tflite" && expect_one_line_error "notes.tflite: not a TensorFlow Lite model"
head -c 1000 "$M" >"$T/trunc.tflite"
expect_rc 3 "$ARV" inspect "$T/trunc.tflite" && expect_one_line_error "trunc.tflite:"
: >"$T/empty.tflite"
expect_rc 3 "$ARV" inspect "$T/empty.tflite" && expect_one_line_error "too small"
expect_rc 3 "$ARV" inspect "$T/missing.tflite" && expect_one_line_error "missing.tflite: no such file"

# usage errors: exit 2
expect_rc 2 "$ARV" inspect && expect_one_line_error "expected exactly one MODEL"
expect_rc 2 "$ARV" inspect --frobnicate "$M" && expect_one_line_error "unknown option"
expect_rc 2 "$ARV" frobnicate && expect_one_line_error "unknown command"
expect_rc 0 "$ARV" help inspect
expect "help names the command" grep -q 'usage: arv inspect' "$T/out"
expect_rc 0 "$ARV" --help
finish
