/* av_glue.c — libav* log capture, error strings and custom I/O (see
 * av_glue.h). */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/mem.h>
#include "media/av_glue.h"

#define AVIO_BUF 65536

static _Thread_local char last_error[256];

static void log_cb(void *avcl, int level, const char *fmt, va_list vl)
{
    if (level > AV_LOG_ERROR)
        return;
    char line[256];
    int print_prefix = 0;   /* no "[demuxer @ 0x...]" prefix: messages name the file already */
    av_log_format_line2(avcl, level, fmt, vl, line, sizeof line, &print_prefix);
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
        line[--n] = 0;
    if (n)
        memcpy(last_error, line, n + 1);
}

static void init_once(void)
{
    av_log_set_callback(log_cb);
}

void arv_av_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, init_once);
}

const char *arv_av_last_error(void)
{
    return last_error;
}

void arv_av_clear_error(void)
{
    last_error[0] = 0;
}

const char *arv_av_errstr(int averr, char *buf)
{
    if (av_strerror(averr, buf, 64) < 0)
        snprintf(buf, 64, "error %d", averr);
    return buf;
}

typedef struct io_state {
    const uint8_t *data;    /* memory reader */
    size_t n, pos;
    FILE *fp;               /* stream reader / file writer */
    uint8_t *prefix;
    size_t n_prefix, prefix_pos;
} io_state;

static int mem_read(void *opaque, uint8_t *buf, int len)
{
    io_state *s = opaque;
    size_t left = s->n - s->pos;
    if (left == 0)
        return AVERROR_EOF;
    size_t k = (size_t)len < left ? (size_t)len : left;
    memcpy(buf, s->data + s->pos, k);
    s->pos += k;
    return (int)k;
}

static int64_t mem_seek(void *opaque, int64_t off, int whence)
{
    io_state *s = opaque;
    whence &= ~AVSEEK_FORCE;
    int64_t base;
    switch (whence) {
    case AVSEEK_SIZE: return (int64_t)s->n;
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = (int64_t)s->pos; break;
    case SEEK_END: base = (int64_t)s->n; break;
    default: return AVERROR(EINVAL);
    }
    if ((off < 0 && -off > base) || (off > 0 && off > (int64_t)s->n - base))
        return AVERROR(EINVAL);
    s->pos = (size_t)(base + off);
    return (int64_t)s->pos;
}

static int stream_read(void *opaque, uint8_t *buf, int len)
{
    io_state *s = opaque;
    if (s->prefix_pos < s->n_prefix) {
        size_t left = s->n_prefix - s->prefix_pos;
        size_t k = (size_t)len < left ? (size_t)len : left;
        memcpy(buf, s->prefix + s->prefix_pos, k);
        s->prefix_pos += k;
        return (int)k;
    }
    size_t k = fread(buf, 1, (size_t)len, s->fp);
    if (k == 0)
        return ferror(s->fp) ? AVERROR(EIO) : AVERROR_EOF;
    return (int)k;
}

/* libavformat 59 declares the buffer non-const (const from 61 on). */
static int file_write(void *opaque, uint8_t *buf, int len)
{
    io_state *s = opaque;
    return fwrite(buf, 1, (size_t)len, s->fp) == (size_t)len ? len : AVERROR(EIO);
}

static int64_t file_seek(void *opaque, int64_t off, int whence)
{
    io_state *s = opaque;
    whence &= ~AVSEEK_FORCE;
    if (whence == AVSEEK_SIZE) {
        off_t cur = ftello(s->fp);
        if (cur < 0 || fseeko(s->fp, 0, SEEK_END) != 0)
            return AVERROR(EIO);
        off_t end = ftello(s->fp);
        if (fseeko(s->fp, cur, SEEK_SET) != 0)
            return AVERROR(EIO);
        return end;
    }
    if (fseeko(s->fp, (off_t)off, whence) != 0)
        return AVERROR(EIO);
    return ftello(s->fp);
}

typedef int (*read_fn)(void *, uint8_t *, int);
typedef int (*write_fn)(void *, uint8_t *, int);
typedef int64_t (*seek_fn)(void *, int64_t, int);

static AVIOContext *make(io_state *s, int writable, read_fn r, write_fn w, seek_fn sk)
{
    uint8_t *buf = av_malloc(AVIO_BUF);
    AVIOContext *pb = buf ? avio_alloc_context(buf, AVIO_BUF, writable, s, r, w, sk) : NULL;
    if (!pb) {
        av_free(buf);
        free(s->prefix);
        free(s);
    }
    return pb;
}

AVIOContext *arv_avio_mem_reader(const uint8_t *data, size_t n)
{
    io_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->data = data;
    s->n = n;
    return make(s, 0, mem_read, NULL, mem_seek);
}

AVIOContext *arv_avio_stream_reader(FILE *fp, const uint8_t *prefix, size_t n_prefix)
{
    io_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->fp = fp;
    if (n_prefix) {
        if (!(s->prefix = malloc(n_prefix))) {
            free(s);
            return NULL;
        }
        memcpy(s->prefix, prefix, n_prefix);
        s->n_prefix = n_prefix;
    }
    AVIOContext *pb = make(s, 0, stream_read, NULL, NULL);
    if (pb)
        pb->seekable = 0;
    return pb;
}

AVIOContext *arv_avio_file_writer(FILE *fp)
{
    io_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->fp = fp;
    return make(s, 1, NULL, file_write, file_seek);
}

void arv_avio_free(AVIOContext **pb)
{
    if (!*pb)
        return;
    io_state *s = (*pb)->opaque;
    if ((*pb)->write_flag)
        avio_flush(*pb);
    av_freep(&(*pb)->buffer);
    avio_context_free(pb);
    if (s) {
        free(s->prefix);
        free(s);
    }
}
