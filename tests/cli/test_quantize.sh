# CLI behaviour of `arv quantize`.
. "$(dirname "$0")/lib.sh"
M=models/selfie_segmentation.tflite
IMG=testdata/seg

if [ ! -f "$M" ]; then
    echo "$M not present (make models); skipped"
    finish
fi

expect_rc 0 "$ARV" quantize "$M" -o "$T/q.tflite" --calibration "$IMG"
expect "reports the int8 op count" grep -q 'int8' "$T/out"
expect "writes the model" test -s "$T/q.tflite"
expect "no temporary left" test ! -e "$T/q.tflite.tmp"
expect "has the TFLite identifier" sh -c "head -c 8 '$T/q.tflite' | tail -c 4 | grep -q TFL3"

# deterministic: same bytes twice
expect_rc 0 "$ARV" quantize "$M" -o "$T/q2.tflite" "$IMG"
expect "same bytes on a second run" cmp -s "$T/q.tflite" "$T/q2.tflite"

# an op kept in float: warnings, still written
expect_rc 0 "$ARV" quantize "$M" -o "$T/k.tflite" "$IMG" --keep-float LOGISTIC
expect "warns about float ops" grep -q 'kept in float' "$T/err"

# percentile calibration: a second pass, a different model
expect_rc 0 "$ARV" quantize "$M" -o "$T/p.tflite" "$IMG" --percentile 99.9
expect "percentile changes the ranges" sh -c "! cmp -s '$T/q.tflite' '$T/p.tflite'"
expect_rc 2 "$ARV" quantize "$M" -o "$T/x.tflite" "$IMG" --percentile 20 && expect_one_line_error "--percentile"

# corrupt model: exit 3, one line, nothing written
printf 'hello, not a model\n' >"$T/notes.tflite"
expect_rc 3 "$ARV" quantize "$T/notes.tflite" -o "$T/bad.tflite" "$IMG" && expect_one_line_error "notes.tflite"
expect "nothing written for a corrupt model" test ! -e "$T/bad.tflite"

# usage errors: exit 2
expect_rc 2 "$ARV" quantize "$M" "$IMG" && expect_one_line_error "no output file"
expect_rc 2 "$ARV" quantize "$M" -o "$T/x.tflite" && expect_one_line_error "no calibration images"
expect_rc 2 "$ARV" quantize "$M" -o "$T/x.tflite" "$IMG" --task nosuchtask && expect_one_line_error "not supported"
expect_rc 0 "$ARV" help quantize
expect "help names the command" grep -q 'usage: arv quantize' "$T/out"
finish
