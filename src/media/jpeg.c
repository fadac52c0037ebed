/* jpeg.c — libjpeg-turbo decoding and encoding with setjmp error handling
 * (see jpeg.h). */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>
#include "media/exif.h"
#include "media/jpeg.h"

/* More scans than this is a hostile progressive file (each scan re-reads
 * the whole coefficient buffer); libjpeg-turbo's own tools use the same cap. */
#define ARV_JPEG_MAX_SCANS 500

typedef struct jerr {
    struct jpeg_error_mgr pub;
    jmp_buf jb;
    char msg[JMSG_LENGTH_MAX];      /* the fatal error or first bad warning */
    int bad_warning;
} jerr;

static void on_error_exit(j_common_ptr ci)
{
    jerr *e = (jerr *)ci->err;
    if (!e->bad_warning)
        ci->err->format_message(ci, e->msg);
    longjmp(e->jb, 1);
}

/* Level -1 is a warning about corrupt data; levels >= 0 are trace output. */
static void on_emit_message(j_common_ptr ci, int level)
{
    jerr *e = (jerr *)ci->err;
    if (level >= 0)
        return;
    ci->err->num_warnings++;
    int code = ci->err->msg_code;
    if (!e->bad_warning && (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER ||
                            code == JWRN_MUST_RESYNC || code == JWRN_NOT_SEQUENTIAL)) {
        ci->err->format_message(ci, e->msg);
        e->bad_warning = 1;
    }
}

static void on_output_message(j_common_ptr ci)
{
    (void)ci;   /* never print */
}

static void on_progress(j_common_ptr ci)
{
    if (ci->is_decompressor &&
        ((j_decompress_ptr)ci)->input_scan_number > ARV_JPEG_MAX_SCANS) {
        jerr *e = (jerr *)ci->err;
        snprintf(e->msg, sizeof e->msg, "more than %d progressive scans", ARV_JPEG_MAX_SCANS);
        e->bad_warning = 1;
        longjmp(e->jb, 1);
    }
}

static void init_err(jerr *e)
{
    memset(e, 0, sizeof *e);
    jpeg_std_error(&e->pub);
    e->pub.error_exit = on_error_exit;
    e->pub.emit_message = on_emit_message;
    e->pub.output_message = on_output_message;
}

/* Adobe CMYK JPEGs store inverted ink values (255 = no ink). */
static void cmyk_row_to_rgb(const uint8_t *src, uint8_t *dst, int w, int c, int inverted)
{
    for (int x = 0; x < w; x++, src += 4, dst += c) {
        unsigned C = src[0], M = src[1], Y = src[2], K = src[3];
        if (!inverted)
            C = 255 - C, M = 255 - M, Y = 255 - Y, K = 255 - K;
        dst[0] = (uint8_t)((C * K + 127) / 255);
        dst[1] = (uint8_t)((M * K + 127) / 255);
        dst[2] = (uint8_t)((Y * K + 127) / 255);
        if (c == 4)
            dst[3] = 255;
    }
}

typedef struct dec_state {
    struct jpeg_decompress_struct ci;
    jerr e;
    struct jpeg_progress_mgr prog;
    arv_image img;
    uint8_t *cmyk_row;
} dec_state;

/* The body runs under setjmp; everything it allocates hangs off *s so the
 * error path can free it. */
static int decode_body(dec_state *s, const uint8_t *data, size_t n, const char *name,
                       int channels, const arv_media_limits *lim, int *orientation, char *err)
{
    struct jpeg_decompress_struct *ci = &s->ci;
    jpeg_create_decompress(ci);
    s->prog.progress_monitor = on_progress;
    ci->progress = &s->prog;
    jpeg_mem_src(ci, data, (unsigned long)n);
    jpeg_save_markers(ci, JPEG_APP0 + 1, 0xffff);
    jpeg_read_header(ci, TRUE);
    if (orientation) {
        *orientation = 0;
        for (jpeg_saved_marker_ptr m = ci->marker_list; m; m = m->next)
            if (m->marker == JPEG_APP0 + 1 && (*orientation = arv_exif_orientation(m->data, m->data_length)))
                break;
    }
    if (arv_media_check_size(name, "image", ci->image_width, ci->image_height, lim, err) != 0)
        return -1;
    int cmyk = ci->jpeg_color_space == JCS_CMYK || ci->jpeg_color_space == JCS_YCCK;
    ci->out_color_space = cmyk ? JCS_CMYK : channels == 4 ? JCS_EXT_RGBA : JCS_RGB;
    jpeg_start_decompress(ci);
    if (arv_image_alloc(&s->img, (int)ci->output_width, (int)ci->output_height, channels) != 0) {
        arv_err(err, name, "out of memory");
        return -1;
    }
    if (cmyk && !(s->cmyk_row = malloc((size_t)ci->output_width * 4))) {
        arv_err(err, name, "out of memory");
        return -1;
    }
    while (ci->output_scanline < ci->output_height) {
        uint8_t *row = arv_image_row(&s->img, (int)ci->output_scanline);
        JSAMPROW rp = cmyk ? s->cmyk_row : row;
        if (jpeg_read_scanlines(ci, &rp, 1) != 1)
            break;   /* suspension cannot happen with a memory source */
        if (cmyk)
            cmyk_row_to_rgb(s->cmyk_row, row, s->img.w, channels, ci->saw_Adobe_marker);
        if (s->e.bad_warning)
            break;
    }
    if (!s->e.bad_warning)
        jpeg_finish_decompress(ci);
    if (s->e.bad_warning) {
        arv_err(err, name, "corrupt JPEG: %.110s", s->e.msg);
        return -1;
    }
    return 0;
}

int arv_jpeg_decode(const uint8_t *data, size_t n, const char *name, int channels,
                    const arv_media_limits *lim, arv_image *out, int *orientation, char *err)
{
    memset(out, 0, sizeof *out);
    if (channels != 3 && channels != 4) {
        arv_err(err, name, "can decode to 3 or 4 channels only");
        return -1;
    }
    dec_state *s = calloc(1, sizeof *s);   /* heap: nothing the longjmp could clobber */
    if (!s) {
        arv_err(err, name, "out of memory");
        return -1;
    }
    init_err(&s->e);
    s->ci.err = &s->e.pub;
    int rc;
    if (setjmp(s->e.jb)) {
        arv_err(err, name, "%s JPEG: %.110s",
                 s->e.bad_warning ? "corrupt" : "bad", s->e.msg);
        rc = -1;
    } else {
        rc = decode_body(s, data, n, name, channels, lim, orientation, err);
    }
    jpeg_destroy_decompress(&s->ci);
    free(s->cmyk_row);
    if (rc == 0)
        *out = s->img;
    else
        arv_image_free(&s->img);
    free(s);
    return rc;
}

typedef struct enc_state {
    struct jpeg_compress_struct ci;
    jerr e;
} enc_state;

static void encode_body(enc_state *s, FILE *fp, const arv_image *im, int quality)
{
    struct jpeg_compress_struct *ci = &s->ci;
    jpeg_create_compress(ci);
    jpeg_stdio_dest(ci, fp);
    ci->image_width = (JDIMENSION)im->w;
    ci->image_height = (JDIMENSION)im->h;
    ci->input_components = im->c;
    ci->in_color_space = im->c == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(ci);
    jpeg_set_quality(ci, quality, TRUE);
    if (im->c == 3 && quality >= 90) {   /* no chroma subsampling at high quality */
        ci->comp_info[0].h_samp_factor = 1;
        ci->comp_info[0].v_samp_factor = 1;
    }
    jpeg_start_compress(ci, TRUE);
    while (ci->next_scanline < ci->image_height) {
        JSAMPROW rp = arv_image_row(im, (int)ci->next_scanline);
        jpeg_write_scanlines(ci, &rp, 1);
    }
    jpeg_finish_compress(ci);
}

int arv_jpeg_encode(FILE *fp, const arv_image *im, int quality, const char *name, char *err)
{
    if (im->c != 1 && im->c != 3) {
        arv_err(err, name, "JPEG stores gray or RGB, not %d channels%s",
                 im->c, im->c == 4 ? " (no alpha: use .png)" : "");
        return -1;
    }
    if (quality < 0 || quality > 100) {
        arv_err(err, name, "JPEG quality %d is not in 1..100", quality);
        return -1;
    }
    if (im->w <= 0 || im->h <= 0 || im->w > JPEG_MAX_DIMENSION || im->h > JPEG_MAX_DIMENSION) {
        arv_err(err, name, "cannot store a %dx%d image as JPEG", im->w, im->h);
        return -1;
    }
    enc_state *s = calloc(1, sizeof *s);
    if (!s) {
        arv_err(err, name, "out of memory");
        return -1;
    }
    init_err(&s->e);
    s->ci.err = &s->e.pub;
    int rc = 0;
    if (setjmp(s->e.jb)) {
        arv_err(err, name, "JPEG encoding failed: %.100s", s->e.msg);
        rc = -1;
    } else {
        encode_body(s, fp, im, quality ? quality : 90);
    }
    jpeg_destroy_compress(&s->ci);
    free(s);
    return rc;
}
