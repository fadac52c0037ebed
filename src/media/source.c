/* source.c — one frame at a time from the expanded inputs: stills, videos,
 * y4m streams, stdin (see source.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "media/inputs.h"
#include "media/source.h"
#include "media/video_in.h"
#include "media/y4m.h"

struct arv_source {
    arv_input_list in;
    arv_source_opts o;
    int cur;                    /* current input, -1 before the first */
    arv_video_in *video;        /* open reader of the current input, if any */
    arv_y4m_reader *y4m;
    FILE *y4m_file;             /* a y4m file we opened (not stdin) */
    arv_source_info info;
};

int arv_source_open(const char *const *inputs, int n, const arv_source_opts *o,
                    arv_source **out, char *err)
{
    *out = NULL;
    arv_source *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, ARV_ERR_LEN, "out of memory");
        return -1;
    }
    if (o)
        s->o = *o;
    if (!s->o.stdin_fp)
        s->o.stdin_fp = stdin;
    if (arv_inputs_expand(inputs, n, &s->in, err) != 0) {
        free(s);
        return -1;
    }
    s->cur = -1;
    *out = s;
    return 0;
}

static void close_reader(arv_source *s)
{
    /* Keep the reader's counters on the input. */
    if (s->video || s->y4m) {
        arv_input *in = &s->in.v[s->cur];
        in->corrupt = s->video ? arv_video_in_corrupt(s->video) : arv_y4m_reader_corrupt(s->y4m);
        const char *why = s->video ? arv_video_in_last_problem(s->video)
                                   : in->corrupt ? "incomplete last frame" : "";
        free(in->problem);
        in->problem = *why ? strdup(why) : NULL;
    }
    arv_video_in_close(s->video);
    arv_y4m_reader_close(s->y4m);
    if (s->y4m_file)
        fclose(s->y4m_file);
    s->video = NULL;
    s->y4m = NULL;
    s->y4m_file = NULL;
}

void arv_source_skip(arv_source *s)
{
    close_reader(s);
}

static void video_info(arv_source *s, const arv_video_info *vi)
{
    arv_source_info *in = &s->info;
    in->is_video = 1;
    in->w = vi->w;
    in->h = vi->h;
    in->fps_num = vi->fps_num;
    in->fps_den = vi->fps_den;
    in->fps = vi->fps;
    in->nb_frames = vi->nb_frames;
    in->duration_us = vi->duration_us;
    snprintf(in->codec, sizeof in->codec, "%s", vi->codec);
    snprintf(in->container, sizeof in->container, "%s", vi->container);
}

static int still(arv_source *s, const uint8_t *data, size_t n, const char *name,
                 arv_media_kind kind, arv_frame *f, char *err)
{
    arv_image_load_opts lo = {.channels = 3, .no_exif = s->o.no_exif, .limits = s->o.limits};
    if (arv_image_load_mem(data, n, name, &lo, &f->img, err) != 0)
        return -1;
    s->info.w = f->img.w;
    s->info.h = f->img.h;
    s->info.nb_frames = 1;
    snprintf(s->info.codec, sizeof s->info.codec, "%s", kind == ARV_MEDIA_PNG ? "png" : "jpeg");
    f->pts_us = ARV_PTS_NONE;
    return 1;
}

static int open_stdin(arv_source *s, arv_frame *f, char *err)
{
    FILE *fp = s->o.stdin_fp;
    uint8_t head[ARV_MEDIA_SNIFF_LEN];
    size_t n = fread(head, 1, sizeof head, fp);
    if (n == 0) {
        arv_err(err, "-", "%s", ferror(fp) ? strerror(errno) : "empty input");
        return -1;
    }
    arv_media_kind kind = arv_media_sniff(head, n);
    arv_video_in_opts vo = {.threads = s->o.video_threads, .limits = s->o.limits};
    switch (kind) {
    case ARV_MEDIA_Y4M:
        if (arv_y4m_reader_open(fp, head, n, "-", &s->o.limits, &s->y4m, err) != 0)
            return -1;
        video_info(s, arv_y4m_reader_info(s->y4m));
        return 0;
    case ARV_MEDIA_JPEG:
    case ARV_MEDIA_PNG: {
        uint8_t *data;
        size_t len;
        if (arv_read_stream(fp, head, n, "-", ARV_IMAGE_MAX_FILE_BYTES, &data, &len, err) != 0)
            return -1;
        int rc = still(s, data, len, "-", kind, f, err);
        free(data);
        return rc;
    }
    default:
        if (arv_video_in_open_stream(fp, head, n, "-", &vo, &s->video, err) != 0) {
            arv_err(err, "-", "not an image, a y4m stream or a video libavformat can read");
            return -1;
        }
        video_info(s, arv_video_in_info(s->video));
        return 0;
    }
}

static int open_file(arv_source *s, const char *path, arv_frame *f, char *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        arv_err(err, path, "%s", strerror(errno));
        return -1;
    }
    uint8_t head[ARV_MEDIA_SNIFF_LEN];
    size_t n = fread(head, 1, sizeof head, fp);
    arv_media_kind kind = arv_media_sniff(head, n);
    if (kind == ARV_MEDIA_Y4M) {
        if (arv_y4m_reader_open(fp, head, n, path, &s->o.limits, &s->y4m, err) != 0) {
            fclose(fp);
            return -1;
        }
        s->y4m_file = fp;
        video_info(s, arv_y4m_reader_info(s->y4m));
        return 0;
    }
    fclose(fp);
    if (kind == ARV_MEDIA_JPEG || kind == ARV_MEDIA_PNG) {
        uint8_t *data;
        size_t len;
        if (arv_read_file(path, ARV_IMAGE_MAX_FILE_BYTES, &data, &len, err) != 0)
            return -1;
        int rc = still(s, data, len, path, kind, f, err);
        free(data);
        return rc;
    }
    if (n == 0) {
        arv_err(err, path, "empty file");
        return -1;
    }
    if (arv_has_image_ext(path)) {   /* named like an image: say so rather than "not a video" */
        arv_err(err, path, "not a JPEG or PNG image");
        return -1;
    }
    arv_video_in_opts vo = {.threads = s->o.video_threads, .limits = s->o.limits};
    if (arv_video_in_open(path, &vo, &s->video, err) != 0)
        return -1;
    video_info(s, arv_video_in_info(s->video));
    return 0;
}

/* Read from the open reader: 1 frame, 0 done with this input, -1 failed. */
static int read_reader(arv_source *s, arv_frame *f, char *err)
{
    int r = s->video ? arv_video_in_read(s->video, f, err) : arv_y4m_read(s->y4m, f, err);
    arv_input *in = &s->in.v[s->cur];
    if (r == 1) {
        in->frames++;
        return 1;
    }
    if (r == 0 && in->frames == 0) {
        const char *why = s->video ? arv_video_in_last_problem(s->video) : "";
        arv_err(err, s->in.v[s->cur].path, "no frame could be decoded%s%.150s%s",
                *why ? " (" : "", why, *why ? ")" : "");
        r = -1;
    }
    return r;
}

int arv_source_next(arv_source *s, arv_frame *f, char *err)
{
    memset(f, 0, sizeof *f);
    for (;;) {
        if (s->video || s->y4m) {
            int r = read_reader(s, f, err);
            if (r == 1) {
                f->input = s->cur;
                f->name = s->in.v[s->cur].path;
                return 1;
            }
            close_reader(s);
            if (r < 0)
                return -1;
            continue;
        }
        if (s->cur + 1 >= s->in.n)
            return 0;
        s->cur++;
        memset(&s->info, 0, sizeof s->info);
        s->info.duration_us = -1;
        arv_input *in = &s->in.v[s->cur];
        if (in->error) {
            snprintf(err, ARV_ERR_LEN, "%s", in->error);
            return -1;
        }
        int r = in->is_stdin ? open_stdin(s, f, err) : open_file(s, in->path, f, err);
        if (r < 0)
            return -1;
        if (r == 1) {   /* a still */
            in->frames = 1;
            f->input = s->cur;
            f->index = 0;
            f->name = in->path;
            return 1;
        }
    }
}

int arv_source_count(const arv_source *s)
{
    return s->in.n;
}

int arv_source_input(const arv_source *s)
{
    return s->cur;
}

const char *arv_source_name(const arv_source *s, int input)
{
    return input >= 0 && input < s->in.n ? s->in.v[input].path : "";
}

const arv_source_info *arv_source_info_of(const arv_source *s)
{
    return &s->info;
}

static const arv_input *input_at(const arv_source *s, int input)
{
    return input >= 0 && input < s->in.n ? &s->in.v[input] : NULL;
}

int64_t arv_source_frames(const arv_source *s, int input)
{
    const arv_input *in = input_at(s, input);
    return in ? in->frames : 0;
}

int64_t arv_source_corrupt(const arv_source *s, int input)
{
    const arv_input *in = input_at(s, input);
    if (!in)
        return 0;
    if (input == s->cur && s->video)
        return arv_video_in_corrupt(s->video);
    if (input == s->cur && s->y4m)
        return arv_y4m_reader_corrupt(s->y4m);
    return in->corrupt;
}

const char *arv_source_problem(const arv_source *s, int input)
{
    const arv_input *in = input_at(s, input);
    if (!in)
        return "";
    if (input == s->cur && s->video)
        return arv_video_in_last_problem(s->video);
    if (input == s->cur && s->y4m)
        return arv_y4m_reader_corrupt(s->y4m) ? "incomplete last frame" : "";
    return in->problem ? in->problem : "";
}

void arv_source_close(arv_source *s)
{
    if (!s)
        return;
    close_reader(s);
    arv_inputs_free(&s->in);
    free(s);
}
