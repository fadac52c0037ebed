/* exif.c — EXIF orientation parsing and pixel reorientation (see exif.h). */
#include <string.h>
#include "media/exif.h"

/* TIFF integers in the byte order the header declares. */
static unsigned rd16(const uint8_t *p, int be)
{
    return be ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0];
}

static uint32_t rd32(const uint8_t *p, int be)
{
    return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
              : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

int arv_exif_orientation(const uint8_t *p, size_t n)
{
    if (n < 6 || memcmp(p, "Exif\0\0", 6) != 0)
        return 0;
    const uint8_t *t = p + 6;   /* TIFF header: offsets below are relative to it */
    size_t tn = n - 6;
    if (tn < 8)
        return 0;
    int be;
    if (t[0] == 'I' && t[1] == 'I')
        be = 0;
    else if (t[0] == 'M' && t[1] == 'M')
        be = 1;
    else
        return 0;
    if (rd16(t + 2, be) != 42)
        return 0;
    uint32_t ifd = rd32(t + 4, be);
    if (ifd > tn || tn - ifd < 2)
        return 0;
    unsigned count = rd16(t + ifd, be);
    size_t pos = (size_t)ifd + 2;
    for (unsigned i = 0; i < count; i++, pos += 12) {
        if (pos > tn || tn - pos < 12)
            return 0;
        const uint8_t *e = t + pos;
        if (rd16(e, be) != 0x0112)
            continue;
        unsigned type = rd16(e + 2, be);
        uint32_t cnt = rd32(e + 4, be);
        if (type != 3 || cnt != 1)   /* SHORT, one value, stored in the entry */
            return 0;
        unsigned v = rd16(e + 8, be);
        return v >= 1 && v <= 8 ? (int)v : 0;
    }
    return 0;
}

int arv_image_orient(arv_image *im, int o)
{
    if (o < 2 || o > 8)
        return 0;
    const int w = im->w, h = im->h, c = im->c;
    const int swap = o >= 5;
    arv_image out;
    if (arv_image_alloc(&out, swap ? h : w, swap ? w : h, c) != 0)
        return -1;
    for (int y = 0; y < out.h; y++) {
        uint8_t *dst = arv_image_row(&out, y);
        for (int x = 0; x < out.w; x++) {
            int sx, sy;
            switch (o) {
            case 2: sx = w - 1 - x; sy = y; break;
            case 3: sx = w - 1 - x; sy = h - 1 - y; break;
            case 4: sx = x; sy = h - 1 - y; break;
            case 5: sx = y; sy = x; break;
            case 6: sx = y; sy = h - 1 - x; break;
            case 7: sx = w - 1 - y; sy = h - 1 - x; break;
            default: sx = w - 1 - y; sy = x; break;   /* 8 */
            }
            memcpy(dst + (size_t)x * c, arv_image_row(im, sy) + (size_t)sx * c, (size_t)c);
        }
    }
    arv_image_free(im);
    *im = out;
    return 0;
}
