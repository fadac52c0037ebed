# CLI behaviour of `arv pose`.
. "$(dirname "$0")/lib.sh"
IMG=testdata/images/darknet_person.jpg   # 640x424, one person
NOBODY=testdata/images/cvdoc_handSrc.jpg # a hand: no pose
no_temp() { test -z "$(find "$1" -name '*.tmp*' 2>/dev/null)"; }
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
