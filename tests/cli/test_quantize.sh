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
# --ranges: minmax and mse give other ranges; a bad method is a usage error
expect_rc 0 "$ARV" quantize "$M" -o "$T/mm.tflite" "$IMG" --ranges minmax -q
expect "--ranges minmax differs from the default (mse)" sh -c "! cmp -s '$T/q.tflite' '$T/mm.tflite'"
expect_rc 2 "$ARV" quantize "$M" -o "$T/x.tflite" "$IMG" --ranges best && expect_one_line_error "--ranges"

# the task must fit the model's input; the task is taken from the file name
expect_rc 3 "$ARV" quantize "$M" -o "$T/x.tflite" "$IMG" --task palm && expect_one_line_error "192x192"
expect "nothing written for a task mismatch" test ! -e "$T/x.tflite"

# --dump-inputs: the preprocessed inputs, no model
expect_rc 0 "$ARV" quantize "$M" --dump-inputs "$T/dump" "$IMG"
expect "dumps one .npy per image" test -s "$T/dump/0000.npy"
expect "dump writes no model" test ! -e "$T/x.tflite"

# --report: the int8 model against fp32 on held-back images
if "$ARV" run "$T/q.tflite" --random-seed 1 -o "$T/run" >/dev/null 2>&1; then
    expect_rc 0 "$ARV" quantize "$M" -o "$T/r.tflite" -c testdata/calib/segment -q \
        --report testdata/seg/labelme_2011_000003.jpg --report-layers
    expect "report has the mask IoU" grep -q 'mask IoU (0.5): mean [0-9.]*' "$T/out"
    expect "report names the worst input" \
        grep -q 'mask IoU (0.5): .*; worst: testdata/seg/labelme_2011_000003.jpg$' "$T/out"
    expect "report has per-output errors" grep -q 'activation_10 ' "$T/out"
    expect "report has per-layer errors" grep -q 'h_swish ' "$T/out"
    # --report-noise: the fp32 model against itself with +-1 level of input
    # noise, the metric's floor: near 1 for a clear photo, and after the
    # int8 report
    expect_rc 0 "$ARV" quantize "$M" -o "$T/r.tflite" -c testdata/calib/segment -q \
        --report testdata/seg/labelme_2011_000003.jpg --report-noise 1
    expect "noise report follows the int8 one" sh -c \
        "grep -n '^report: ' '$T/out' | sed -n 2p | grep -q 'fp32 with its input perturbed by +-1 level'"
    iou=$(sed -n '/perturbed/,$ s/.*mask IoU (0.5): mean \([0-9.]*\).*/\1/p' "$T/out")
    expect "fp32 vs fp32 with 1 level of noise: mask IoU above 0.95 ($iou)" \
        awk -v v="${iou:-0}" 'BEGIN { exit !(v > 0.95) }'
else
    echo "int8 models do not run in this build; --report not tested"
fi
expect_rc 2 "$ARV" quantize "$M" -o "$T/x.tflite" "$IMG" --report-noise 1 && expect_one_line_error "--report"
expect_rc 2 "$ARV" quantize "$M" -o "$T/x.tflite" "$IMG" --report x.jpg --report-noise 0 &&
    expect_one_line_error "--report-noise"
expect_rc 2 "$ARV" quantize "$M" -o "$T/x.tflite" "$IMG" --report-layers && expect_one_line_error "--report"
expect_rc 2 "$ARV" quantize "$M" -o "$T/x.tflite" "$IMG" --report-sensitivity && expect_one_line_error "--report"

# --mirror: every image calibrates twice (itself and its mirror), so twice
# the inputs and another model; --no-mirror is the segment default
expect_rc 0 "$ARV" quantize "$M" -o "$T/m0.tflite" "$IMG" -q --no-mirror
n0=$(sed -n 's/.*calibrated on \([0-9]*\) input.*/\1/p' "$T/out")
expect_rc 0 "$ARV" quantize "$M" -o "$T/m1.tflite" "$IMG" -q --mirror
n1=$(sed -n 's/.*calibrated on \([0-9]*\) input.*/\1/p' "$T/out")
expect "--mirror calibrates on twice the inputs ($n0 -> $n1)" test "${n1:-0}" -eq $((2 * ${n0:-0})) -a "${n0:-0}" -gt 0
expect "--mirror changes the model" sh -c "! cmp -s '$T/m0.tflite' '$T/m1.tflite'"
expect "--no-mirror is the segment default" cmp -s "$T/m0.tflite" "$T/q.tflite"

# the square selfie model's own defaults (equalization into every conv and
# GPTQ); the landscape model keeps the segment task's (neither)
expect_rc 0 "$ARV" quantize "$M" -o "$T/d1.tflite" "$IMG" -q --equalize=all --weights gptq
expect "equalize=all + gptq is the square segment default" cmp -s "$T/d1.tflite" "$T/q.tflite"
L=models/selfie_segmentation_landscape.tflite
if [ -f "$L" ]; then
    expect_rc 0 "$ARV" quantize "$L" -o "$T/l0.tflite" "$IMG" -q
    expect_rc 0 "$ARV" quantize "$L" -o "$T/l1.tflite" "$IMG" -q --no-equalize --weights nearest
    expect "no equalization, nearest rounding: the landscape default" cmp -s "$T/l0.tflite" "$T/l1.tflite"
    expect_rc 0 "$ARV" quantize "$L" -o "$T/l2.tflite" "$IMG" -q --equalize=all --weights gptq
    expect "and not the square model's" sh -c "! cmp -s '$T/l0.tflite' '$T/l2.tflite'"
fi

# --jitter: each detected hand ROI calibrates as 1 + N crops (2 by default
# for hand-landmark); other tasks have no ROI to move
H=models/hand_landmark_lite.tflite
HI=testdata/calib/hands/cvdoc_handSrc.jpg
if [ -f "$H" ] && [ -f models/palm_detection_full.tflite ]; then
    expect_rc 0 "$ARV" quantize "$H" -o "$T/j0.tflite" "$HI" -q --no-mirror --weights nearest --jitter 0
    j0=$(sed -n 's/.*calibrated on \([0-9]*\) input.*/\1/p' "$T/out")
    expect_rc 0 "$ARV" quantize "$H" -o "$T/jd.tflite" "$HI" -q --no-mirror --weights nearest
    jd=$(sed -n 's/.*calibrated on \([0-9]*\) input.*/\1/p' "$T/out")
    expect "--jitter 2 is the hand default: 3 crops per hand ($j0 -> $jd)" test "${jd:-0}" -eq $((3 * ${j0:-0})) -a "${j0:-0}" -gt 0
    expect "--jitter changes the model" sh -c "! cmp -s '$T/j0.tflite' '$T/jd.tflite'"
fi
expect_rc 2 "$ARV" quantize "$M" -o "$T/x.tflite" "$IMG" --jitter 2 && expect_one_line_error "--jitter"
expect_rc 2 "$ARV" quantize "$M" -o "$T/x.tflite" "$IMG" --jitter 9 && expect_one_line_error "--jitter"
expect_rc 2 "$ARV" quantize "$M" -o "$T/x.tflite" "$IMG" --jitter x && expect_one_line_error "--jitter"

# --report-layers on an equalized tensor: its channels are divided back by
# their equalization factors before the comparison, so the pose detector's
# first conv output (equalized into the depthwise conv after it) scores
# about as with --no-equalize (0.29 against 0.01 before the report knew)
PD=models/pose_detection.tflite
PI=testdata/calib/pose/cv_messi5.jpg
if [ -f "$PD" ]; then
    first_rel() { awk '/per tensor/ {on = 1; next} on && $1 ~ /^model_1\/model\/re_lu\/Relu6/ {print $(NF-1); exit}' "$T/out"; }
    expect_rc 0 "$ARV" quantize "$PD" -o "$T/pd.tflite" "$PI" -q --report "$PI" --report-layers
    e1=$(first_rel)
    expect_rc 0 "$ARV" quantize "$PD" -o "$T/pd0.tflite" "$PI" -q --no-equalize --report "$PI" --report-layers
    e0=$(first_rel)
    expect "equalized tensor compared unscaled ($e1 vs $e0 without equalization)" \
        awk -v a="${e1:-9}" -v b="${e0:-0}" 'BEGIN { exit !(b > 0 && a < 3 * b) }'
fi

# --float-tensor: that activation stays float (its writer and readers float)
expect_rc 0 "$ARV" quantize "$M" -o "$T/ft.tflite" "$IMG" -q
nf0=$(sed -n 's/.* \([0-9]*\) float,.*/\1/p' "$T/out")
expect_rc 0 "$ARV" quantize "$M" -o "$T/ft.tflite" "$IMG" -q --float-tensor h_swish_5
nf1=$(sed -n 's/.* \([0-9]*\) float,.*/\1/p' "$T/out")
expect "--float-tensor keeps more ops in float" test "${nf1:-0}" -gt "${nf0:-0}"
expect "--float-tensor changes the model" sh -c "! cmp -s '$T/q.tflite' '$T/ft.tflite'"

# --int16: those activations in TFLite's 16x8 mode; an op without a 16x8
# form (HARD_SWISH) stays int8 with a warning
expect_rc 0 "$ARV" quantize "$M" -o "$T/i16.tflite" "$IMG" -q --int16 conv2d_3 --int16 re_lu_3
n16=$(sed -n 's/.* \([0-9]*\) int16,.*/\1/p' "$T/out")
expect "--int16 writes two int16 ops" test "${n16:-0}" -eq 2
expect_rc 0 "$ARV" quantize "$M" -o "$T/i16b.tflite" "$IMG" --int16 h_swish_5
expect "--int16 on HARD_SWISH warns" grep -q "no 16x8 form; stays int8" "$T/err"
if "$ARV" run "$T/q.tflite" --random-seed 1 -o "$T/run" >/dev/null 2>&1; then
    expect_rc 0 "$ARV" run "$T/i16.tflite" --random-seed 1 -o "$T/run16"
fi

# --report-sensitivity: the metric with each int8 tensor in turn in float
if "$ARV" run "$T/q.tflite" --random-seed 1 -o "$T/run" >/dev/null 2>&1; then
    expect_rc 0 "$ARV" quantize "$M" -o "$T/s.tflite" -c testdata/calib/segment -q \
        --report testdata/seg/labelme_2011_000003.jpg --report-sensitivity
    expect "sensitivity table" grep -q 'sensitivity (metric with one more tensor in float' "$T/out"
    expect "sensitivity rows name tensors" grep -Eq '^ +[0-9.]+ +[0-9.]+ +[0-9.]+  h_swish_5$' "$T/out"
    expect "no temporary model left" test ! -e "$T/s.tflite.sensitivity.tflite"
fi

# other tasks: the palm detector's letterbox, the hand crops from the palm detector
P=models/palm_detection_lite.tflite
if [ -f "$P" ]; then
    expect_rc 0 "$ARV" quantize "$P" -o "$T/palm.tflite" --task palm -c testdata/calib/hands -q
    expect "palm model written" test -s "$T/palm.tflite"
fi
H=models/hand_landmark_lite.tflite
if [ -f "$H" ] && [ -f models/palm_detection_full.tflite ]; then
    expect_rc 0 "$ARV" quantize "$H" -o "$T/hand.tflite" -c testdata/calib/hands -q
    expect "hand crops come from detections" grep -Eq 'calibrated on [1-9][0-9]* input' "$T/out"
fi

# scripts/make-int8-models: models/int8/<same name>, the same bytes on every run
mkdir -p "$T/models"
ln -s "$(pwd)/$M" "$T/models/"
expect_rc 0 scripts/make-int8-models --arv "$ARV" --dir "$T/models" --out "$T/int8a" -q
expect_rc 0 scripts/make-int8-models --arv "$ARV" --dir "$T/models" --out "$T/int8b" -q
expect "make-int8-models wrote the int8 variant" test -s "$T/int8a/selfie_segmentation.tflite"
expect "make-int8-models is deterministic" cmp -s "$T/int8a/selfie_segmentation.tflite" "$T/int8b/selfie_segmentation.tflite"

# --precision int8 on segment: the twin in models/int8/
mkdir -p "$T/m2/int8"
ln -s "$(pwd)/$M" "$T/m2/"
cp "$T/int8a/selfie_segmentation.tflite" "$T/m2/int8/"
if "$ARV" run "$T/m2/int8/selfie_segmentation.tflite" --random-seed 1 -o "$T/run" >/dev/null 2>&1; then
    expect_rc 0 env ARV_MODELS="$T/m2" "$ARV" segment --model general --precision int8 -m -o "$T/mask.png" testdata/seg/labelme_2011_000003.jpg
    expect "int8 segment writes a mask" test -s "$T/mask.png"
fi
expect_rc 2 "$ARV" segment --precision int4 -m -o "$T/mask3.png" testdata/seg/labelme_2011_000003.jpg && expect_one_line_error "--precision"

expect_rc 0 "$ARV" help quantize
expect "help names the command" grep -q 'usage: arv quantize' "$T/out"
finish
