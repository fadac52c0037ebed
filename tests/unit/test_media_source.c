/* test_media_source.c — src/media sources and the frame loop in batch
 * mode: a directory with a corrupt image (the batch goes on, one failure is
 * recorded with its reason), sorting and skipping, @lists, missing files,
 * stdin, callback failures (process, emit, begin, end, fatal) and the
 * order of callbacks, threaded and sequential alike; the progress line. */
#include <check.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "media/image_io.h"
#include "media/loop.h"
#include "media/progress.h"
#include "media/source.h"
#include "support/testutil.h"

static char tmpdir[64];

static void copy_file(const char *from, const char *to, size_t max)
{
    uint8_t *data;
    size_t n;
    char err[ARV_ERR_LEN];
    ck_assert_msg(arv_read_file(from, 1 << 26, &data, &n, err) == 0, "%s", err);
    FILE *fp = fopen(to, "wb");
    ck_assert_ptr_nonnull(fp);
    fwrite(data, 1, n < max ? n : max, fp);
    fclose(fp);
    free(data);
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    fclose(fp);
}

/* tmpdir/batch: a.jpg (photo), b.png (small), c.jpg (truncated photo),
 * d.PNG (a JPEG in disguise), notes.txt, .hidden.jpg, sub/ (with an image),
 * and tmpdir/clip.avi (the test video). */
static void setup(void)
{
    tu_tmp_template(tmpdir, sizeof tmpdir, "arv_src_");
    ck_assert(mkdtemp(tmpdir));
    char p[256], photo[512], video[512], err[ARV_ERR_LEN];
    snprintf(photo, sizeof photo, "%s/testdata/images/rmagick_Shorts.jpg", tu_srcdir());
    snprintf(video, sizeof video, "%s/testdata/video/mecavideo_g1.avi", tu_srcdir());
    snprintf(p, sizeof p, "%s/batch", tmpdir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/batch/sub", tmpdir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/batch/a.jpg", tmpdir);
    copy_file(photo, p, SIZE_MAX);
    snprintf(p, sizeof p, "%s/batch/c.jpg", tmpdir);
    copy_file(photo, p, 3000);
    snprintf(p, sizeof p, "%s/batch/d.PNG", tmpdir);
    copy_file(photo, p, SIZE_MAX);
    snprintf(p, sizeof p, "%s/batch/.hidden.jpg", tmpdir);
    copy_file(photo, p, SIZE_MAX);
    snprintf(p, sizeof p, "%s/batch/sub/e.jpg", tmpdir);
    copy_file(photo, p, SIZE_MAX);
    snprintf(p, sizeof p, "%s/batch/notes.txt", tmpdir);
    write_text(p, "not an image\n");
    snprintf(p, sizeof p, "%s/clip.avi", tmpdir);
    copy_file(video, p, SIZE_MAX);
    arv_image im;
    ck_assert_int_eq(arv_image_alloc(&im, 20, 10, 3), 0);
    snprintf(p, sizeof p, "%s/batch/b.png", tmpdir);
    ck_assert_msg(arv_image_save(p, &im, 0, err) == 0, "%s", err);
    arv_image_free(&im);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

/* A task that logs every callback as text, and fails where told. */
typedef struct logger {
    char log[8192];
    pthread_mutex_t mu;
    int fail_process_at;    /* global frame count at which process fails (-1 never) */
    int fail_emit_at;
    int fail_begin_input;   /* input whose begin_input fails */
    int fail_end_input;
    int fatal_at;           /* process returns FATAL at this frame count */
    int processed, emitted, results_live;
} logger;

static void logf_(logger *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(logger *L, const char *fmt, ...)
{
    pthread_mutex_lock(&L->mu);
    size_t n = strlen(L->log);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(L->log + n, sizeof L->log - n, fmt, ap);
    va_end(ap);
    pthread_mutex_unlock(&L->mu);
}

static int lg_process(void *ctx, const arv_frame *in, void **result, char *err)
{
    logger *L = ctx;
    int k = L->processed++;
    if (k == L->fatal_at) {
        snprintf(err, ARV_ERR_LEN, "model: out of cheese");
        return ARV_LOOP_FATAL;
    }
    if (k == L->fail_process_at) {
        snprintf(err, ARV_ERR_LEN, "%s: frame %lld: process failed", in->name, (long long)in->index);
        return ARV_LOOP_INPUT_FAILED;
    }
    int *r = malloc(sizeof *r);
    *r = (int)in->index;
    *result = r;
    __atomic_add_fetch(&L->results_live, 1, __ATOMIC_SEQ_CST);
    return ARV_LOOP_OK;
}

static int lg_emit(void *ctx, const arv_frame *in, void *result, char *err)
{
    logger *L = ctx;
    ck_assert_int_eq(*(int *)result, in->index);
    ck_assert_int_eq(in->img.c, 3);
    int k = L->emitted++;
    if (k == L->fail_emit_at) {
        snprintf(err, ARV_ERR_LEN, "%s: disk full", in->name);
        return ARV_LOOP_INPUT_FAILED;
    }
    if (in->index < 2 || in->pts_us == ARV_PTS_NONE)
        logf_(L, "F%d.%lld%s ", in->input, (long long)in->index,
              in->pts_us == ARV_PTS_NONE ? "s" : "");
    return ARV_LOOP_OK;
}

static void lg_free(void *ctx, void *result)
{
    logger *L = ctx;
    __atomic_sub_fetch(&L->results_live, 1, __ATOMIC_SEQ_CST);
    free(result);
}

static int lg_begin(void *ctx, int input, const char *name, const arv_source_info *info, char *err)
{
    logger *L = ctx;
    const char *base = strrchr(name, '/');
    logf_(L, "B%d(%s,%s,%dx%d) ", input, base ? base + 1 : name, info->is_video ? "v" : "i",
          info->w, info->h);
    if (input == L->fail_begin_input) {
        snprintf(err, ARV_ERR_LEN, "%s: cannot open output", name);
        return ARV_LOOP_INPUT_FAILED;
    }
    return ARV_LOOP_OK;
}

static int lg_end(void *ctx, int input, int ok, char *err)
{
    logger *L = ctx;
    logf_(L, "E%d(%d) ", input, ok);
    if (input == L->fail_end_input && ok) {
        snprintf(err, ARV_ERR_LEN, "out%d.mp4: cannot finish", input);
        return ARV_LOOP_INPUT_FAILED;
    }
    return ARV_LOOP_OK;
}

static void logger_init(logger *L)
{
    memset(L, 0, sizeof *L);
    pthread_mutex_init(&L->mu, NULL);
    L->fail_process_at = L->fail_emit_at = L->fail_begin_input = L->fail_end_input = -1;
    L->fatal_at = -1;
}

/* Run the loop over inputs; returns arv_loop_run's value. */
static int run(const char **inputs, int n, logger *L, int sequential, arv_loop_stats *st)
{
    arv_source *s;
    char err[ARV_ERR_LEN];
    ck_assert_msg(arv_source_open(inputs, n, NULL, &s, err) == 0, "%s", err);
    arv_loop_ops ops = {.ctx = L, .process = lg_process, .emit = lg_emit, .free_result = lg_free,
                        .begin_input = lg_begin, .end_input = lg_end};
    arv_loop_opts o = {.sequential = sequential, .queue_depth = 2, .progress = -1};
    int rc = arv_loop_run(s, &ops, &o, st);
    arv_source_close(s);
    ck_assert_int_eq(L->results_live, 0);   /* every result freed, whatever happened */
    return rc;
}

START_TEST(directory_with_corrupt_file)
{
    char dir[256];
    snprintf(dir, sizeof dir, "%s/batch", tmpdir);
    const char *inputs[] = {dir};
    for (int seq = 0; seq < 2; seq++) {
        logger L;
        logger_init(&L);
        arv_loop_stats st;
        ck_assert_int_eq(run(inputs, 1, &L, seq, &st), 0);
        /* a.jpg, b.png, c.jpg (corrupt), d.PNG, in name order; the rest skipped */
        ck_assert_int_eq(st.inputs_ok, 3);
        ck_assert_int_eq(st.inputs_failed, 1);
        ck_assert_int_eq(st.frames, 3);
        ck_assert_int_eq(st.n_notes, 1);
        ck_assert_int_eq(st.notes[0].input, 2);
        ck_assert_int_eq(st.notes[0].ok, 0);
        ck_assert_msg(strstr(st.notes[0].msg, "batch/c.jpg: corrupt JPEG: Premature end of JPEG file"),
                      "%s", st.notes[0].msg);
        ck_assert_str_eq(L.log, "B0(a.jpg,i,167x250) F0.0s E0(1) B1(b.png,i,20x10) F1.0s E1(1) "
                                "B3(d.PNG,i,167x250) F3.0s E3(1) ");
        arv_loop_stats_free(&st);
    }
}
END_TEST

START_TEST(list_file_and_missing)
{
    char list[256], a[256], clip[256], listarg[260];
    snprintf(list, sizeof list, "%s/list.txt", tmpdir);
    snprintf(a, sizeof a, "%s/batch/a.jpg", tmpdir);
    snprintf(clip, sizeof clip, "%s/clip.avi", tmpdir);
    FILE *fp = fopen(list, "w");
    fprintf(fp, "# inputs\n%s\n\n   %s  \r\n%s/nope.jpg\n", a, clip, tmpdir);
    fclose(fp);
    snprintf(listarg, sizeof listarg, "@%s", list);
    const char *inputs[] = {listarg, "/nonexistent.png", "@/nonexistent.txt"};
    logger L;
    logger_init(&L);
    arv_loop_stats st;
    ck_assert_int_eq(run(inputs, 3, &L, 0, &st), 0);
    ck_assert_int_eq(st.inputs_ok, 2);
    ck_assert_int_eq(st.inputs_failed, 3);
    ck_assert_int_eq(st.frames, 17);
    ck_assert_str_eq(L.log, "B0(a.jpg,i,167x250) F0.0s E0(1) B1(clip.avi,v,400x300) F1.0 F1.1 E1(1) ");
    ck_assert_int_eq(st.n_notes, 3);
    ck_assert_msg(strstr(st.notes[0].msg, "nope.jpg: No such file or directory"), "%s", st.notes[0].msg);
    ck_assert_str_eq(st.notes[1].msg, "/nonexistent.png: No such file or directory");
    ck_assert_str_eq(st.notes[2].msg, "@/nonexistent.txt: cannot read list: No such file or directory");
    ck_assert_int_eq(st.notes[2].input, 4);
    arv_loop_stats_free(&st);
}
END_TEST

START_TEST(open_errors)
{
    arv_source *s;
    char err[ARV_ERR_LEN];
    const char *two[] = {"-", "-"};
    ck_assert_int_eq(arv_source_open(two, 2, NULL, &s, err), -1);
    ck_assert_str_eq(err, "-: stdin can be given only once");
    ck_assert_int_eq(arv_source_open(two, 0, NULL, &s, err), -1);
    ck_assert_str_eq(err, "no inputs given");
    /* an empty directory is one failed input */
    char empty[256];
    snprintf(empty, sizeof empty, "%s/batch/sub/..", tmpdir);
    snprintf(empty, sizeof empty, "%s/emptydir", tmpdir);
    mkdir(empty, 0700);
    const char *in[] = {empty};
    ck_assert_int_eq(arv_source_open(in, 1, NULL, &s, err), 0);
    arv_frame f;
    ck_assert_int_eq(arv_source_next(s, &f, err), -1);
    ck_assert_msg(strstr(err, "emptydir: no JPEG or PNG images in this directory"), "%s", err);
    ck_assert_int_eq(arv_source_next(s, &f, err), 0);
    arv_source_close(s);
}
END_TEST

START_TEST(stdin_image)
{
    char a[256];
    snprintf(a, sizeof a, "%s/batch/b.png", tmpdir);
    FILE *fp = fopen(a, "rb");
    const char *inputs[] = {"-"};
    arv_source_opts so = {.stdin_fp = fp};
    arv_source *s;
    char err[ARV_ERR_LEN];
    ck_assert_int_eq(arv_source_open(inputs, 1, &so, &s, err), 0);
    arv_frame f;
    ck_assert_msg(arv_source_next(s, &f, err) == 1, "%s", err);
    ck_assert_str_eq(f.name, "-");
    ck_assert_int_eq(f.img.w, 20);
    ck_assert(f.pts_us == ARV_PTS_NONE);
    ck_assert_str_eq(arv_source_info_of(s)->codec, "png");
    arv_image_free(&f.img);
    ck_assert_int_eq(arv_source_next(s, &f, err), 0);
    arv_source_close(s);
    fclose(fp);
    /* text on stdin */
    fp = tmpfile();
    fputs("hello\n", fp);
    rewind(fp);
    so.stdin_fp = fp;
    ck_assert_int_eq(arv_source_open(inputs, 1, &so, &s, err), 0);
    ck_assert_int_eq(arv_source_next(s, &f, err), -1);
    ck_assert_str_eq(err, "-: not an image, a y4m stream or a video libavformat can read");
    arv_source_close(s);
    fclose(fp);
}
END_TEST

/* Callback failures: each loses one input, the rest of the batch runs. */
START_TEST(callback_failures)
{
    char a[256], clip[256], b[256];
    snprintf(a, sizeof a, "%s/batch/a.jpg", tmpdir);
    snprintf(b, sizeof b, "%s/batch/b.png", tmpdir);
    snprintf(clip, sizeof clip, "%s/clip.avi", tmpdir);
    const char *inputs[] = {a, clip, b};
    for (int seq = 0; seq < 2; seq++) {
        /* process fails on the video's frame 5 (global frame 6) */
        logger L;
        logger_init(&L);
        L.fail_process_at = 6;
        arv_loop_stats st;
        ck_assert_int_eq(run(inputs, 3, &L, seq, &st), 0);
        ck_assert_int_eq(st.inputs_ok, 2);
        ck_assert_int_eq(st.inputs_failed, 1);
        ck_assert_str_eq(L.log, "B0(a.jpg,i,167x250) F0.0s E0(1) B1(clip.avi,v,400x300) F1.0 F1.1 "
                                "E1(0) B2(b.png,i,20x10) F2.0s E2(1) ");
        ck_assert_int_eq(st.frames, 1 + 5 + 1);
        ck_assert_msg(strstr(st.notes[0].msg, "clip.avi: frame 5: process failed"), "%s",
                      st.notes[0].msg);
        ck_assert_int_eq(st.notes[0].frames, 5);
        arv_loop_stats_free(&st);

        /* emit fails on the video's frame 3 */
        logger_init(&L);
        L.fail_emit_at = 4;
        ck_assert_int_eq(run(inputs, 3, &L, seq, &st), 0);
        ck_assert_int_eq(st.inputs_failed, 1);
        ck_assert_int_eq(st.frames, 1 + 3 + 1);
        ck_assert_msg(strstr(st.notes[0].msg, "clip.avi: disk full"), "%s", st.notes[0].msg);
        ck_assert_str_eq(L.log, "B0(a.jpg,i,167x250) F0.0s E0(1) B1(clip.avi,v,400x300) F1.0 F1.1 "
                                "E1(0) B2(b.png,i,20x10) F2.0s E2(1) ");
        arv_loop_stats_free(&st);

        /* begin_input fails for the video: no frames, no end_input for it */
        logger_init(&L);
        L.fail_begin_input = 1;
        ck_assert_int_eq(run(inputs, 3, &L, seq, &st), 0);
        ck_assert_int_eq(st.inputs_failed, 1);
        ck_assert_str_eq(L.log, "B0(a.jpg,i,167x250) F0.0s E0(1) B1(clip.avi,v,400x300) "
                                "B2(b.png,i,20x10) F2.0s E2(1) ");
        ck_assert_msg(strstr(st.notes[0].msg, "clip.avi: cannot open output"), "%s", st.notes[0].msg);
        arv_loop_stats_free(&st);

        /* end_input fails (the output could not be finished) */
        logger_init(&L);
        L.fail_end_input = 1;
        ck_assert_int_eq(run(inputs, 3, &L, seq, &st), 0);
        ck_assert_int_eq(st.inputs_ok, 2);
        ck_assert_int_eq(st.inputs_failed, 1);
        ck_assert_int_eq(st.frames, 18);
        ck_assert_str_eq(st.notes[0].msg, "out1.mp4: cannot finish");
        arv_loop_stats_free(&st);

        /* fatal: the run stops, the input in progress is told to discard */
        logger_init(&L);
        L.fatal_at = 8;
        ck_assert_int_eq(run(inputs, 3, &L, seq, &st), -1);
        ck_assert_str_eq(st.fatal, "model: out of cheese");
        ck_assert_msg(strstr(L.log, "E1(0) ") != NULL, "%s", L.log);
        ck_assert_msg(strstr(L.log, "B2") == NULL, "%s", L.log);
        ck_assert_int_le(st.frames, 8);
        arv_loop_stats_free(&st);
    }
}
END_TEST

START_TEST(no_callbacks_and_stats)
{
    char clip[256];
    snprintf(clip, sizeof clip, "%s/clip.avi", tmpdir);
    const char *inputs[] = {clip, clip};
    arv_source *s;
    char err[ARV_ERR_LEN];
    ck_assert_int_eq(arv_source_open(inputs, 2, NULL, &s, err), 0);
    ck_assert_int_eq(arv_source_count(s), 2);
    arv_loop_ops ops = {0};
    arv_loop_stats st;
    ck_assert_int_eq(arv_loop_run(s, &ops, NULL, &st), 0);
    ck_assert_int_eq(st.inputs_ok, 2);
    ck_assert_int_eq(st.frames, 32);
    ck_assert(st.fps > 0 && st.seconds > 0 && st.decode_s > 0);
    ck_assert_int_eq(st.n_notes, 0);
    ck_assert_int_eq(arv_source_frames(s, 0), 16);
    ck_assert_int_eq(arv_source_frames(s, 1), 16);
    ck_assert_int_eq(arv_source_corrupt(s, 1), 0);
    arv_loop_stats_free(&st);
    arv_source_close(s);
}
END_TEST

START_TEST(y4m_truncated_note)
{
    /* a y4m file whose last frame is cut: 2 frames, ok, with a corrupt-frame note */
    char p[256];
    snprintf(p, sizeof p, "%s/cut.y4m", tmpdir);
    FILE *fp = fopen(p, "wb");
    fputs("YUV4MPEG2 W4 H2 F25:1 Cmono\n", fp);
    fputs("FRAME\n12345678FRAME\nabcdefghFRAME\nxyz", fp);
    fclose(fp);
    const char *inputs[] = {p};
    logger L;
    logger_init(&L);
    arv_loop_stats st;
    ck_assert_int_eq(run(inputs, 1, &L, 0, &st), 0);
    ck_assert_int_eq(st.inputs_ok, 1);
    ck_assert_int_eq(st.frames, 2);
    ck_assert_int_eq(st.frames_corrupt, 1);
    ck_assert_int_eq(st.n_notes, 1);
    ck_assert_int_eq(st.notes[0].ok, 1);
    ck_assert_msg(strstr(st.notes[0].msg, "cut.y4m: 1 corrupt frame skipped (last: incomplete last frame)"),
                  "%s", st.notes[0].msg);
    arv_loop_stats_free(&st);
}
END_TEST

START_TEST(progress_line)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    arv_progress p;
    arv_progress_init(&p, fp, 1, "segment");
    p.start -= 2.0;   /* pretend 2 s have passed */
    arv_progress_update(&p, 1, 3, "dir/clip.mp4", 40, 400, 40);
    fflush(fp);
    /* about 20 fps (a slow machine adds a little time), 360 frames to go: about 18 s */
    ck_assert_msg(strstr(buf, "segment [2/3] clip.mp4  frame 40/400  ") && strstr(buf, " fps  ETA 0:1"),
                  "%s", buf);
    arv_progress_end(&p);
    fclose(fp);
    ck_assert(len > 3 && strcmp(buf + len - 4, "\r\033[K") == 0);
    free(buf);
    /* auto mode on something that is not a terminal: nothing at all */
    buf = NULL;
    fp = open_memstream(&buf, &len);
    arv_progress_init(&p, fp, 0, "x");
    arv_progress_update(&p, 0, 1, "a", 1, 1, 1);
    arv_progress_end(&p);
    fclose(fp);
    ck_assert_uint_eq(len, 0);
    free(buf);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("media_source");
    TCase *tc = tcase_create("source");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, directory_with_corrupt_file);
    tcase_add_test(tc, list_file_and_missing);
    tcase_add_test(tc, open_errors);
    tcase_add_test(tc, stdin_image);
    tcase_add_test(tc, callback_failures);
    tcase_add_test(tc, no_callbacks_and_stats);
    tcase_add_test(tc, y4m_truncated_note);
    tcase_add_test(tc, progress_line);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
