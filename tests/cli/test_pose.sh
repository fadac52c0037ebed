# CLI behaviour of `arv pose`.
. "$(dirname "$0")/lib.sh"
IMG=testdata/images/darknet_person.jpg   # 640x424, one person
NOBODY=testdata/images/cvdoc_handSrc.jpg # a hand: no pose
no_temp() { test -z "$(find "$1" -name '*.tmp*' 2>/dev/null)"; }
jqe() { jq -e "$@" >/dev/null; }
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}'; }

# one JSON line per image on stdout, 33 landmarks, pixels and normalized
expect_rc 0 "$ARV" pose "$IMG"
expect "one JSON line" test "$(wc -l <"$T/out")" = 1
expect "one person" grep -q '"people":\[{"track_id":0,' "$T/out"
expect "33 landmarks" test "$(grep -o '"name":"[a-z_]*"' "$T/out" | wc -l)" = 33
expect "33 world landmarks" test "$(grep -o '"world_landmarks":\[.*\]' "$T/out" | grep -o '\[[-0-9.e]*,[-0-9.e]*,[-0-9.e]*\]' | wc -l)" = 33
expect "pixel and normalized keys" grep -q '"x_norm":0\.' "$T/out"
expect "visibility and presence" grep -q '"visibility":[0-9.]*,"presence":' "$T/out"
expect "stills have no pts" grep -q '"pts_us":null' "$T/out"
expect "the image size" grep -q '"width":640,"height":424' "$T/out"
# the nose lies in the person's head (hand-checked: around x 240, y 128)
nose=$(grep -o '"name":"nose","x":[0-9.]*,"y":[0-9.]*' "$T/out")
expect "nose near (240, 128): $nose" awk -v s="$nose" 'BEGIN{split(s,a,/[:,]/); x=a[4]; y=a[6]; exit !(x>225 && x<255 && y>113 && y<143)}'

# nobody in the picture: an empty list, not an error
expect_rc 0 "$ARV" pose "$NOBODY"
expect "empty people list" grep -q '"people":\[\]' "$T/out"

# overlay, COCO and JSON to a file, for a directory and an image
mkdir -p "$T/d" && cp "$IMG" "$NOBODY" "$T/d/"
expect_rc 0 "$ARV" pose "$T/d" --overlay "$T/ov" --coco "$T/c.json" -o "$T/p.jsonl" --model-complexity 0
expect "nothing on stdout with -o FILE" test ! -s "$T/out"
expect "2 JSON lines" test "$(wc -l <"$T/p.jsonl")" = 2
expect "overlay per image" test -s "$T/ov/darknet_person.pose.png"
expect "overlay for the empty image too" test -s "$T/ov/cvdoc_handSrc.pose.png"
expect "overlay at the input's size" test "$(png_size "$T/ov/darknet_person.pose.png")" = "640 424"
expect "coco: one result" test "$(grep -c '"category_id":1' "$T/c.json")" = 1
expect "coco: 17 keypoints x 3" test "$(grep -o '"keypoints":\[[^]]*\]' "$T/c.json" | tr ',' '\n' | wc -l)" = 51
expect "coco: image_id = input index (darknet_person sorts second)" grep -q '"image_id":2,' "$T/c.json"
expect "no temp files" no_temp "$T"
expect_rc 0 "$ARV" pose --no-json --overlay "$T/one.png" "$IMG"
expect "--overlay FILE" test -s "$T/one.png"
expect_rc 0 "$ARV" pose --coco "$T/empty.json" --no-json "$NOBODY"
expect "coco of nobody is []" test "$(tr -d ' \n' <"$T/empty.json")" = "[]"
cp "$IMG" "$T/000000000042.jpg"
expect_rc 0 "$ARV" pose --coco "$T/n.json" --no-json "$T/000000000042.jpg"
expect "coco image_id from a numeric file name" grep -q '"image_id":42,' "$T/n.json"

# stdin; static mode and thresholds accepted; heavy model
expect_rc 0 "$ARV" pose - --static-image-mode --min-detection-confidence 0.6 --min-tracking-confidence 0.4 <"$IMG"
expect "stdin input named -" grep -q '"input":"-"' "$T/out"
expect "stdin: one person" grep -q '"track_id":0' "$T/out"
expect_rc 0 "$ARV" pose --min-detection-confidence 1 "$IMG"
expect "threshold 1: nobody" grep -q '"people":\[\]' "$T/out"

# video: timestamps from the container, tracking after the first detection
V=testdata/video/mecavideo_g1.avi
if [ -f "$V" ]; then
    expect_rc 0 "$ARV" pose "$V" --overlay "$T/vo/"
    expect "16 frame lines" test "$(wc -l <"$T/out")" = 16
    expect "pts from the container (25 fps)" grep -q '"frame":4,"pts_us":160000' "$T/out"
    expect "tracking: the detector skipped on some frames" grep -q '"detector_ran":false' "$T/out"
    expect "overlay video written" test -s "$T/vo/mecavideo_g1.pose.mp4"
    expect "no temp files" no_temp "$T/vo"
    expect_rc 0 "$ARV" pose "$V" --static-image-mode --no-smooth
    expect "static mode: the detector on every frame" test "$(grep -c '"detector_ran":true' "$T/out")" = 16
    expect_rc 1 "$ARV" pose --overlay "$T/x.png" "$V"
    expect "an image overlay name for a video refused" grep -q "needs a still image input" "$T/err"
fi

# --mask: the landmark model's segmentation, 8-bit gray PNG at the input's size
# (where it lies is checked in tests/unit/test_pose_mask.c)
expect_rc 0 "$ARV" pose "$T/d" --mask "$T/mk" --no-json
expect "mask per image" test -s "$T/mk/darknet_person.mask.png"
expect "mask for the empty image too" test -s "$T/mk/cvdoc_handSrc.mask.png"
expect "mask at the input's size" test "$(png_size "$T/mk/darknet_person.mask.png")" = "640 424"
expect "mask: 8-bit gray PNG" test "$(od -An -tu1 -j24 -N2 "$T/mk/darknet_person.mask.png" | tr -s ' ')" = " 8 0"
expect "no temp files" no_temp "$T/mk"
expect_rc 0 "$ARV" pose "$IMG" --mask "$T/one.mask.png" --no-json
expect "--mask FILE" test -s "$T/one.mask.png"
expect_rc 0 "$ARV" pose testdata/video/pose_gap.avi --mask "$T/vm/" --no-json
expect "mask video" test -s "$T/vm/pose_gap.mask.mp4"
expect_rc 2 "$ARV" pose --mask "$T/x.png" "$IMG" "$NOBODY" && expect_one_line_error "--mask $T/x.png takes exactly one input"

# --max-people: testdata/video/pose_pan2.avi (scripts/make-pose-clips: a
# pan across three women on a sofa, 20 frames at 10 fps)
V2=testdata/video/pose_pan2.avi
expect_rc 0 "$ARV" pose "$V2" --max-people 3
expect "pan: 20 frames" test "$(wc -l <"$T/out")" = 20
expect "pan: at least 2 people on every frame" jqe -s 'all(.[]; (.people | length) >= 2)' "$T/out"
expect "pan: ids unique within a frame" jqe -s 'all(.[]; (.people | map(.track_id) | unique | length) == (.people | length))' "$T/out"
# the leftmost woman (always detected) keeps one id over the 20 frames
expect "pan: the leftmost person keeps her id" jqe -s '[.[] | .people | min_by(.box[0]) | .track_id] | unique | length == 1' "$T/out"
expect "pan: tracking between detections" jqe -s '[.[] | select(.detector_ran | not)] | length >= 10' "$T/out"
expect_rc 0 "$ARV" pose "$V2"
expect "pan: default --max-people 1" jqe -s 'all(.[]; (.people | length) <= 1)' "$T/out"
expect_rc 0 "$ARV" pose testdata/seg/labelme_2011_000006.jpg --max-people 4
expect "still: two people found, ids 0 and 1" jqe '[.people[].track_id] == [0,1]' "$T/out"
expect_rc 2 "$ARV" pose --max-people 0 "$IMG" && expect_one_line_error "--max-people: '0'"
expect_rc 2 "$ARV" pose --max-people 17 "$IMG" && expect_one_line_error "--max-people"

# re-detection after the person leaves: testdata/video/pose_gap.avi
# (mecavideo_g1's frames 0-7, 6 grey frames, its frames 8-15; 25 fps)
VG=testdata/video/pose_gap.avi
expect_rc 0 "$ARV" pose "$VG"
expect "gap: 22 frames" test "$(wc -l <"$T/out")" = 22
# (frame 0: the detector's score is at the 0.5 threshold; MediaPipe's Pose
# finds nobody there, and neither do we)
expect "gap: the person before" jqe -s '[.[1:8][] | .people | length] | all(. == 1)' "$T/out"
expect "gap: nobody on the grey frames, the detector on each" jqe -s 'all(.[8:14][]; (.people | length) == 0 and .detector_ran)' "$T/out"
expect "gap: found again after, by the detector" jqe -s '[.[14:][] | select((.people | length) == 1)] | length >= 5 and (.[0].detector_ran)' "$T/out"
expect "gap: a new track id after the gap" jqe -s '(.[1].people[0].track_id) != ([.[14:][] | .people[]][0].track_id)' "$T/out"
expect "gap: pts = frame x 40 ms" jqe -s 'all(.[]; .pts_us == .frame * 40000)' "$T/out"
if command -v ffprobe >/dev/null; then
    ffprobe -v error -select_streams v:0 -show_entries frame=best_effort_timestamp_time -of csv=p=0 "$VG" \
        | awk '{printf "%d\n", $1 * 1000000 + 0.5}' >"$T/pts_probe"
    jq '.pts_us' "$T/out" >"$T/pts_arv"
    expect "gap: pts equal ffprobe's" cmp -s "$T/pts_probe" "$T/pts_arv"
fi

# --eval: COCO keypoint evaluation against testdata/pose/coco_gt.json
# (MediaPipe heavy's landmarks as COCO-17, scripts/make-pose-coco-gt); the
# four people of testdata/images, two images with nobody
GT=testdata/pose/coco_gt.json
expect_rc 0 "$ARV" pose testdata/images --eval "$GT" --coco "$T/ev.json"
expect "eval: one JSON document on stdout" jqe . "$T/out"
expect "eval: 6 images, 4 people, 4 detections" jqe '.images == 6 and .people == 4 and .detections == 4' "$T/out"
expect "eval: AP50 1, AP >= 0.7, AR >= 0.7" jqe '.oks.ap50 == 1 and .oks.ap >= 0.7 and .oks.ap <= 1 and .oks.ar >= 0.7' "$T/out"
expect "eval: PCK@0.2 torso >= 0.9" jqe '.pck.torso >= 0.9 and .pck.bbox_diagonal >= 0.9' "$T/out"
expect "eval: a table on stderr" grep -q "AP  OKS=0.50:0.95 area=all" "$T/err"
expect "eval: --coco uses the GT's image ids" jqe 'map(.image_id) | sort == [6,8,9,21]' "$T/ev.json"
cp "$T/out" "$T/ev_run.json"
expect_rc 0 "$ARV" pose --eval "$GT" --results "$T/ev.json"
# a results file is evaluated over every GT image: 17 more without people in
# them would not change AP; here the other 13 people are missed
expect "--results: same detections, all 21 images" jqe '.images == 21 and .people == 17 and .detections == 4 and .oks.ar < 0.3' "$T/out"
expect_rc 0 "$ARV" pose testdata/images/darknet_person.jpg "$NOBODY" --eval "$GT" -o "$T/ev.jsonl"
expect "eval with -o FILE: JSON Lines there" test "$(wc -l <"$T/ev.jsonl")" = 2
expect "eval: one perfect-ish person" jqe '.people == 1 and .oks.ap50 == 1' "$T/out"
expect_rc 1 "$ARV" pose "$T/000000000042.jpg" --eval "$GT"
expect "eval: no input in the GT" grep -q "none of the inputs is in" "$T/err"
expect_rc 2 "$ARV" pose --eval "$GT" -o - "$IMG" && expect_one_line_error "--eval writes its JSON to stdout"
expect_rc 2 "$ARV" pose --results "$T/ev.json" && expect_one_line_error "--results needs --eval"
expect_rc 2 "$ARV" pose --eval "$GT" --results "$T/ev.json" "$IMG" && expect_one_line_error "no INPUT wanted"
expect_rc 3 "$ARV" pose --eval /nonexistent.json "$IMG" && expect_one_line_error "/nonexistent.json"
echo '{"images":[]}' >"$T/badgt.json"
expect_rc 3 "$ARV" pose --eval "$T/badgt.json" "$IMG" && expect_one_line_error "not a COCO ground-truth file"

# --precision: the int8 twins `make models` writes into models/int8/
expect_rc 2 "$ARV" pose --precision fp16 "$IMG" && expect_one_line_error "--precision: 'fp16'"
if [ -f models/int8/pose_detection.tflite ] && [ -f models/int8/pose_landmark_lite.tflite ]; then
    expect_rc 0 "$ARV" pose --precision int8 --model-complexity 0 "$IMG"
    expect "int8: one JSON line" test "$(wc -l <"$T/out")" = 1
    # models without their int8 twins (a copy of arv that sees only $T/fp32only): a
    # clear error naming what is missing
    mkdir -p "$T/fp32only" "$T/bin" && cp models/pose_detection.tflite models/pose_landmark_heavy.tflite "$T/fp32only/"
    cp "$ARV" "$T/bin/arv" && cp "$IMG" "$T/bin/in.jpg"
    cd "$T/bin"
    ARV_MODELS="$T/fp32only" expect_rc 3 ./arv pose --precision int8 --model-complexity 2 in.jpg
    rc=$?
    cd - >/dev/null
    [ $rc = 0 ] && expect_one_line_error "int8 model not found"
fi

# usage errors: exit 2, one line
expect_rc 2 "$ARV" pose && expect_one_line_error "no input given"
expect_rc 2 "$ARV" pose --model-complexity 3 "$IMG" && expect_one_line_error "--model-complexity: '3'"
expect_rc 2 "$ARV" pose --min-detection-confidence 1.5 "$IMG" && expect_one_line_error "--min-detection-confidence"
expect_rc 2 "$ARV" pose --min-tracking-confidence x "$IMG" && expect_one_line_error "--min-tracking-confidence"
expect_rc 2 "$ARV" pose --bogus "$IMG" && expect_one_line_error "unknown"
expect_rc 2 "$ARV" pose --no-json "$IMG" && expect_one_line_error "nothing to write"
expect_rc 2 "$ARV" pose --overlay "$T/x.png" "$IMG" "$NOBODY" && expect_one_line_error "exactly one input"
expect_rc 0 "$ARV" pose --help && expect "help on stdout" grep -q "usage: arv pose" "$T/out"

# model / I/O errors: exit 3, one line
ABS_IMG=$PWD/$IMG
# A copy of the binary outside the tree, so models/ beside it is not found either.
mkdir -p "$T/bin" && cp "$ARV" "$T/bin/arv"
expect_rc 3 env -C "$T" ARV_MODELS=/nonexistent "$T/bin/arv" pose "$ABS_IMG" && expect_one_line_error "model not found"
expect_rc 3 "$ARV" pose "$IMG" -o /proc/arv-nope && expect_one_line_error "/proc/arv-nope"
expect_rc 3 "$ARV" pose "$IMG" --coco /proc/arv-nope.json --no-json && expect_one_line_error "/proc/arv-nope.json"

# bad inputs: the others done, exit 1, the file named
head -c 3000 "$IMG" >"$T/d/broken.jpg"
expect_rc 1 "$ARV" pose "$T/d"
expect "good inputs done" test "$(wc -l <"$T/out")" = 2
expect "the failure names the file" grep -q "broken.jpg" "$T/err"
expect "a summary line" grep -q "1 of 3 input(s) failed" "$T/err"
expect_rc 1 "$ARV" pose "$T/nope.jpg" && expect "named" grep -q "nope.jpg" "$T/err"
finish
