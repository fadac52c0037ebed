/* y4m.c — YUV4MPEG2 reader and writer (see y4m.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libavutil/mathematics.h>
#include <libavutil/pixfmt.h>
#include "media/av_glue.h"
#include "media/convert.h"
#include "media/y4m.h"

struct arv_y4m_reader {
    char name[4096];
    FILE *fp;
    uint8_t *prefix;
    size_t n_prefix, prefix_pos;
    arv_video_info info;
    int pix_fmt, full_range;
    int cw, ch;                 /* chroma plane size (0 for mono) */
    arv_planes planes;          /* one frame's Y, U, V (padded for swscale) */
    arv_conv conv;
    int64_t index, corrupt;
    int done;
};

/* Read up to n bytes: the prefix first, then the stream. */
static size_t rd(arv_y4m_reader *r, uint8_t *buf, size_t n)
{
    size_t got = 0;
    if (r->prefix_pos < r->n_prefix) {
        size_t k = r->n_prefix - r->prefix_pos;
        if (k > n)
            k = n;
        memcpy(buf, r->prefix + r->prefix_pos, k);
        r->prefix_pos += k;
        got = k;
    }
    if (got < n)
        got += fread(buf + got, 1, n - got, r->fp);
    return got;
}

/* One header line without its '\n'. Returns its length, -1 at a clean end
 * of stream, -2 if too long or cut short. */
static int read_line(arv_y4m_reader *r, char *line)
{
    int n = 0;
    for (;;) {
        uint8_t c;
        if (rd(r, &c, 1) != 1)
            return n == 0 ? -1 : -2;
        if (c == '\n')
            break;
        if (n == ARV_Y4M_MAX_LINE - 1)
            return -2;
        line[n++] = (char)c;
    }
    line[n] = 0;
    return n;
}

static int parse_header(arv_y4m_reader *r, char *line, const arv_media_limits *lim, char *err)
{
    if (strncmp(line, "YUV4MPEG2 ", 10) != 0 && strcmp(line, "YUV4MPEG2") != 0) {
        arv_err(err, r->name, "not a YUV4MPEG2 stream");
        return -1;
    }
    long w = 0, h = 0, fn = 25, fd = 1;
    const char *cs = "420jpeg";
    r->full_range = 0;
    for (char *save = NULL, *tok = strtok_r(line + 9, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save)) {
        char *end;
        switch (tok[0]) {
        case 'W': w = strtol(tok + 1, &end, 10); break;
        case 'H': h = strtol(tok + 1, &end, 10); break;
        case 'F':
            fn = strtol(tok + 1, &end, 10);
            fd = *end == ':' ? strtol(end + 1, &end, 10) : 0;
            if (fn <= 0 || fd <= 0 || fn > 1000000 || fd > 1000000) {
                arv_err(err, r->name, "bad y4m frame rate '%.20s'", tok);
                return -1;
            }
            break;
        case 'C': cs = tok + 1; break;
        case 'X':
            if (strcmp(tok, "XCOLORRANGE=FULL") == 0)
                r->full_range = 1;
            break;
        default: break;   /* I (interlacing), A (aspect): ignored */
        }
    }
    if (arv_media_check_size(r->name, "y4m video", w, h, lim, err) != 0)
        return -1;
    int sub_x, sub_y;
    if (!strcmp(cs, "420jpeg") || !strcmp(cs, "420paldv") || !strcmp(cs, "420mpeg2") ||
        !strcmp(cs, "420"))
        r->pix_fmt = AV_PIX_FMT_YUV420P, sub_x = sub_y = 1;
    else if (!strcmp(cs, "422"))
        r->pix_fmt = AV_PIX_FMT_YUV422P, sub_x = 1, sub_y = 0;
    else if (!strcmp(cs, "444"))
        r->pix_fmt = AV_PIX_FMT_YUV444P, sub_x = sub_y = 0;
    else if (!strcmp(cs, "mono"))
        r->pix_fmt = AV_PIX_FMT_GRAY8, sub_x = sub_y = 0;
    else {
        arv_err(err, r->name, "unsupported y4m colour space 'C%.20s' (8-bit 420, 422, 444, mono)",
                cs);
        return -1;
    }
    r->cw = r->pix_fmt == AV_PIX_FMT_GRAY8 ? 0 : (int)((w + sub_x) >> sub_x);
    r->ch = r->pix_fmt == AV_PIX_FMT_GRAY8 ? 0 : (int)((h + sub_y) >> sub_y);
    arv_video_info *in = &r->info;
    in->w = (int)w;
    in->h = (int)h;
    in->fps_num = (int)fn;
    in->fps_den = (int)fd;
    in->fps = (double)fn / (double)fd;
    in->duration_us = -1;
    snprintf(in->codec, sizeof in->codec, "y4m");
    snprintf(in->container, sizeof in->container, "yuv4mpegpipe");
    return 0;
}

int arv_y4m_reader_open(FILE *fp, const uint8_t *prefix, size_t n_prefix, const char *name,
                        const arv_media_limits *lim, arv_y4m_reader **out, char *err)
{
    arv_av_init();
    *out = NULL;
    arv_y4m_reader *r = calloc(1, sizeof *r);
    char *line = malloc(ARV_Y4M_MAX_LINE);
    if (!r || !line || (n_prefix && !(r->prefix = malloc(n_prefix)))) {
        free(r);
        free(line);
        arv_err(err, name, "out of memory");
        return -1;
    }
    snprintf(r->name, sizeof r->name, "%s", name);
    r->fp = fp;
    if (n_prefix)
        memcpy(r->prefix, prefix, n_prefix);
    r->n_prefix = n_prefix;
    int n = read_line(r, line);
    int rc = n < 0 ? (arv_err(err, name, n == -1 ? "empty stream" : "not a YUV4MPEG2 stream"), -1)
                   : parse_header(r, line, lim, err);
    free(line);
    if (rc == 0 && arv_planes_alloc(&r->planes, r->info.w, r->info.h, r->pix_fmt) != 0) {
        arv_err(err, name, "out of memory");
        rc = -1;
    }
    if (rc != 0) {
        arv_y4m_reader_close(r);
        return -1;
    }
    *out = r;
    return 0;
}

const arv_video_info *arv_y4m_reader_info(const arv_y4m_reader *r)
{
    return &r->info;
}

int64_t arv_y4m_reader_corrupt(const arv_y4m_reader *r)
{
    return r->corrupt;
}

int arv_y4m_read(arv_y4m_reader *r, arv_frame *f, char *err)
{
    memset(f, 0, sizeof *f);
    if (r->done)
        return 0;
    char line[ARV_Y4M_MAX_LINE];
    int n = read_line(r, line);
    if (n == -1) {
        r->done = 1;
        return 0;
    }
    if (n < 0 || strncmp(line, "FRAME", 5) != 0 || (line[5] != 0 && line[5] != ' ')) {
        r->done = 1;
        if (n == -2 && feof(r->fp)) {   /* a frame header cut short: end of a truncated stream */
            r->corrupt++;
            return 0;
        }
        arv_err(err, r->name, "bad y4m frame header at frame %lld", (long long)r->index);
        return -1;
    }
    const int w = r->info.w, h = r->info.h;
    int complete = 1;
    for (int p = 0; p < 3 && complete; p++) {
        int pw = p ? r->cw : w, ph = p ? r->ch : h;
        for (int y = 0; y < ph && complete; y++)
            complete = rd(r, r->planes.data[p] + (size_t)y * r->planes.stride[p], (size_t)pw) ==
                       (size_t)pw;
    }
    if (!complete) {
        r->done = 1;
        if (ferror(r->fp)) {
            arv_err(err, r->name, "read error: %s", strerror(errno));
            return -1;
        }
        r->corrupt++;   /* the last frame is incomplete */
        return 0;
    }
    if (arv_image_alloc(&f->img, w, h, 3) != 0) {
        arv_err(err, r->name, "out of memory");
        return -1;
    }
    if (arv_conv_to_image(&r->conv, &r->planes, &f->img, AVCOL_SPC_UNSPECIFIED, r->full_range) != 0) {
        arv_image_free(&f->img);
        arv_err(err, r->name, "cannot convert y4m frame to RGB");
        return -1;
    }
    f->pts_us = av_rescale(r->index, 1000000LL * r->info.fps_den, r->info.fps_num);
    f->index = r->index++;
    f->name = r->name;
    return 1;
}

void arv_y4m_reader_close(arv_y4m_reader *r)
{
    if (!r)
        return;
    arv_conv_free(&r->conv);
    arv_planes_free(&r->planes);
    free(r->prefix);
    free(r);
}

struct arv_y4m_writer {
    char name[4096];
    FILE *fp;
    int w, h, cw, ch, pix_fmt;
    arv_planes planes;
    arv_conv conv;
    int io_error;
};

int arv_y4m_writer_open(FILE *fp, const char *name, int w, int h, int fps_num, int fps_den,
                        int chroma, arv_y4m_writer **out, char *err)
{
    arv_av_init();
    *out = NULL;
    if (w <= 0 || h <= 0 || (chroma != 420 && chroma != 444)) {
        arv_err(err, name, "bad y4m output parameters (%dx%d, chroma %d)", w, h, chroma);
        return -1;
    }
    if (fps_num <= 0 || fps_den <= 0)
        fps_num = 25, fps_den = 1;
    arv_y4m_writer *y = calloc(1, sizeof *y);
    if (!y) {
        arv_err(err, name, "out of memory");
        return -1;
    }
    snprintf(y->name, sizeof y->name, "%s", name);
    y->fp = fp;
    y->w = w;
    y->h = h;
    y->pix_fmt = chroma == 420 ? AV_PIX_FMT_YUV420P : AV_PIX_FMT_YUV444P;
    y->cw = chroma == 420 ? (w + 1) / 2 : w;
    y->ch = chroma == 420 ? (h + 1) / 2 : h;
    if (arv_planes_alloc(&y->planes, w, h, y->pix_fmt) != 0) {
        free(y);
        arv_err(err, name, "out of memory");
        return -1;
    }
    if (fprintf(fp, "YUV4MPEG2 W%d H%d F%d:%d Ip A1:1 %s\n", w, h, fps_num, fps_den,
                chroma == 420 ? "C420jpeg XYSCSS=420JPEG" : "C444 XYSCSS=444") < 0) {
        arv_err(err, name, "write failed: %s", strerror(errno));
        arv_planes_free(&y->planes);
        free(y);
        return -1;
    }
    *out = y;
    return 0;
}

int arv_y4m_write(arv_y4m_writer *y, const arv_image *im, char *err)
{
    if (im->w != y->w || im->h != y->h || (im->c != 3 && im->c != 4)) {
        arv_err(err, y->name, "y4m frame is %dx%dx%d, the stream is %dx%dx3", im->w, im->h, im->c,
                y->w, y->h);
        return -1;
    }
    if (arv_conv_from_image(&y->conv, im, &y->planes, AVCOL_SPC_UNSPECIFIED, 0) != 0) {
        arv_err(err, y->name, "cannot convert frame to YUV");
        return -1;
    }
    int ok = fputs("FRAME\n", y->fp) != EOF;
    for (int p = 0; p < 3 && ok; p++) {
        int pw = p ? y->cw : y->w, ph = p ? y->ch : y->h;
        for (int row = 0; row < ph && ok; row++)
            ok = fwrite(y->planes.data[p] + (size_t)row * y->planes.stride[p], 1, (size_t)pw,
                        y->fp) == (size_t)pw;
    }
    if (!ok) {
        y->io_error = 1;
        arv_err(err, y->name, "write failed: %s", strerror(errno));
        return -1;
    }
    return 0;
}

int arv_y4m_writer_close(arv_y4m_writer *y, char *err)
{
    if (!y)
        return 0;
    int rc = 0;
    if (fflush(y->fp) != 0 || y->io_error) {
        arv_err(err, y->name, "write failed: %s", strerror(errno));
        rc = -1;
    }
    arv_conv_free(&y->conv);
    arv_planes_free(&y->planes);
    free(y);
    return rc;
}
