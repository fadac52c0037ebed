/* png.c — libpng decoding and encoding with setjmp error handling (see
 * png.h). */
#include <stdlib.h>
#include <string.h>
#include <png.h>
#include "media/png.h"

/* Largest ancillary chunk (iCCP, zTXt, ...) libpng may allocate for. */
#define ARV_PNG_CHUNK_MAX (8u << 20)

typedef struct png_state {
    char msg[160];
    const uint8_t *data;
    size_t n, pos;
    arv_image img;
    png_bytep *rows;
} png_state;

static void on_error(png_structp png, png_const_charp msg)
{
    png_state *s = png_get_error_ptr(png);
    snprintf(s->msg, sizeof s->msg, "%s", msg);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;   /* never print */
}

static void read_mem(png_structp png, png_bytep out, size_t len)
{
    png_state *s = png_get_io_ptr(png);
    if (len > s->n - s->pos)
        png_error(png, "file is truncated");
    memcpy(out, s->data + s->pos, len);
    s->pos += len;
}

static int decode_body(png_structp png, png_infop info, png_state *s, const char *name,
                       int channels, const arv_media_limits *lim, char *err)
{
    png_set_read_fn(png, s, read_mem);
    png_set_chunk_malloc_max(png, ARV_PNG_CHUNK_MAX);
    png_read_info(png, info);
    png_uint_32 w, h;
    int depth, ctype, interlace;
    png_get_IHDR(png, info, &w, &h, &depth, &ctype, &interlace, NULL, NULL);
    if (arv_media_check_size(name, "image", w, h, lim, err) != 0)
        return -1;

    int has_alpha = (ctype & PNG_COLOR_MASK_ALPHA) || png_get_valid(png, info, PNG_INFO_tRNS);
    png_set_expand(png);   /* palette -> RGB, gray < 8 bits -> 8, tRNS -> alpha */
    if (depth == 16)
        png_set_scale_16(png);
    if (!(ctype & PNG_COLOR_MASK_COLOR))
        png_set_gray_to_rgb(png);
    if (channels == 3 && has_alpha)
        png_set_strip_alpha(png);
    if (channels == 4 && !has_alpha)
        png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_channels(png, info) != channels || png_get_bit_depth(png, info) != 8 ||
        png_get_rowbytes(png, info) != (size_t)w * (size_t)channels) {
        arv_err(err, name, "unsupported PNG layout");
        return -1;
    }
    if (arv_image_alloc(&s->img, (int)w, (int)h, channels) != 0 ||
        !(s->rows = malloc(sizeof *s->rows * h))) {
        arv_err(err, name, "out of memory");
        return -1;
    }
    for (png_uint_32 y = 0; y < h; y++)
        s->rows[y] = arv_image_row(&s->img, (int)y);
    png_read_image(png, s->rows);
    png_read_end(png, NULL);
    return 0;
}

int arv_png_decode(const uint8_t *data, size_t n, const char *name, int channels,
                   const arv_media_limits *lim, arv_image *out, char *err)
{
    memset(out, 0, sizeof *out);
    if (channels != 3 && channels != 4) {
        arv_err(err, name, "can decode to 3 or 4 channels only");
        return -1;
    }
    png_state *s = calloc(1, sizeof *s);   /* heap: nothing the longjmp could clobber */
    png_structp png = NULL;
    png_infop info = NULL;
    if (!s || !(png = png_create_read_struct(PNG_LIBPNG_VER_STRING, s, on_error, on_warning)) ||
        !(info = png_create_info_struct(png))) {
        if (png)
            png_destroy_read_struct(&png, NULL, NULL);
        free(s);
        arv_err(err, name, "out of memory");
        return -1;
    }
    s->data = data;
    s->n = n;
    int rc;
    if (setjmp(png_jmpbuf(png))) {
        arv_err(err, name, "bad PNG: %.120s", s->msg);
        rc = -1;
    } else {
        rc = decode_body(png, info, s, name, channels, lim, err);
    }
    png_destroy_read_struct(&png, &info, NULL);
    free(s->rows);
    if (rc == 0)
        *out = s->img;
    else
        arv_image_free(&s->img);
    free(s);
    return rc;
}

static void encode_body(png_structp png, png_infop info, FILE *fp, const arv_image *im)
{
    static const int ctypes[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                  PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
    png_init_io(png, fp);
    png_set_IHDR(png, info, (png_uint_32)im->w, (png_uint_32)im->h, 8, ctypes[im->c],
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < im->h; y++)
        png_write_row(png, arv_image_row(im, y));
    png_write_end(png, NULL);
}

int arv_png_encode(FILE *fp, const arv_image *im, const char *name, char *err)
{
    if (im->c != 1 && im->c != 3 && im->c != 4) {
        arv_err(err, name, "PNG: cannot write %d channels", im->c);
        return -1;
    }
    png_state *s = calloc(1, sizeof *s);
    png_structp png = NULL;
    png_infop info = NULL;
    if (!s || !(png = png_create_write_struct(PNG_LIBPNG_VER_STRING, s, on_error, on_warning)) ||
        !(info = png_create_info_struct(png))) {
        if (png)
            png_destroy_write_struct(&png, NULL);
        free(s);
        arv_err(err, name, "out of memory");
        return -1;
    }
    int rc = 0;
    if (setjmp(png_jmpbuf(png))) {
        arv_err(err, name, "PNG encoding failed: %.110s", s->msg);
        rc = -1;
    } else {
        encode_body(png, info, fp, im);
    }
    png_destroy_write_struct(&png, &info);
    free(s);
    return rc;
}
