/* media.c — limits and sniffing shared by the media layer (see media.h). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "media/media.h"

void arv_err(char *err, const char *name, const char *fmt, ...)
{
    char msg[ARV_ERR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t nl = strlen(name), ml = strlen(msg);
    size_t room = ARV_ERR_LEN - 1 - 2;   /* ": " */
    if (ml > room - 16)
        ml = room - 16, msg[ml] = 0;     /* keep at least 16 bytes of the name */
    size_t keep = nl + ml <= room ? nl : room - ml;
    if (keep < nl)
        snprintf(err, ARV_ERR_LEN, "...%s: %s", name + nl - (keep - 3), msg);
    else
        snprintf(err, ARV_ERR_LEN, "%s: %s", name, msg);
    for (char *p = err; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
}

arv_media_limits arv_media_limits_resolve(const arv_media_limits *lim)
{
    arv_media_limits r = {0, 0};
    if (lim)
        r = *lim;
    if (r.max_dim <= 0)
        r.max_dim = ARV_MEDIA_DEFAULT_MAX_DIM;
    if (r.max_pixels <= 0)
        r.max_pixels = ARV_MEDIA_DEFAULT_MAX_PIXELS;
    return r;
}

int arv_media_check_size(const char *name, const char *what, int64_t w, int64_t h,
                         const arv_media_limits *lim, char *err)
{
    arv_media_limits l = arv_media_limits_resolve(lim);
    if (w <= 0 || h <= 0) {
        arv_err(err, name, "%s has no pixels (%" PRId64 "x%" PRId64 ")", what, w, h);
        return -1;
    }
    if (w > l.max_dim || h > l.max_dim) {
        arv_err(err, name, "%s is %" PRId64 "x%" PRId64 ", over the limit of %d pixels a side",
                what, w, h, l.max_dim);
        return -1;
    }
    if (w * h > l.max_pixels) {
        arv_err(err, name,
                "%s is %" PRId64 "x%" PRId64 " = %" PRId64 " pixels, over the limit of %" PRId64,
                what, w, h, w * h, l.max_pixels);
        return -1;
    }
    return 0;
}

arv_media_kind arv_media_sniff(const uint8_t *b, size_t n)
{
    static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
    if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
        return ARV_MEDIA_JPEG;
    if (n >= 8 && memcmp(b, png_sig, 8) == 0)
        return ARV_MEDIA_PNG;
    if (n >= 10 && memcmp(b, "YUV4MPEG2 ", 10) == 0)
        return ARV_MEDIA_Y4M;
    return ARV_MEDIA_UNKNOWN;
}
