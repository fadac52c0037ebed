/* gen_media_corpus.c — writes the seed corpora of the media fuzz targets,
 * tests/fuzz/corpus/image/ and tests/fuzz/corpus/video/: small synthetic
 * files (nothing copied from elsewhere) covering the variants the decoders
 * handle, plus broken ones. Names say what the replay test
 * (tests/unit/test_media_corpus.c) expects: ok_* decode, bad_* are refused
 * cleanly, any_* may go either way. Build and run from the repository root
 * after `make`:
 *
 *   cc -std=c11 -D_POSIX_C_SOURCE=200809L -Ilib -Isrc \
 *      $(pkg-config --cflags libpng libjpeg) tests/fuzz/gen_media_corpus.c \
 *      build/src/media/?*.o build/src/image/image.o build/src/util/atomic_file.o \
 *      $(pkg-config --libs libpng libjpeg libavformat libavcodec libswscale libavutil) \
 *      -lpthread -o build-fuzz/gen_media_corpus && build-fuzz/gen_media_corpus tests/fuzz/corpus
 *
 * Files with _fuzz_ in their name (inputs the fuzzers found) are not
 * touched. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <png.h>
#include "media/image_io.h"
#include "media/video_out.h"
#include "media/y4m.h"

static const char *root;

static void die(const char *what)
{
    fprintf(stderr, "gen_media_corpus: %s\n", what);
    exit(1);
}

static void put(const char *dir, const char *name, const void *data, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/%s", root, dir, name);
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(data, 1, n, fp) != n || fclose(fp) != 0)
        die(path);
}

static uint8_t px(int x, int y, int c)
{
    return (uint8_t)(x * 9 + y * 5 + c * 80 + ((x ^ y) & 7) * 6);
}

/* ---- JPEG ---- */

typedef struct jvariant {
    int comps;              /* 1 gray, 3 RGB, 4 CMYK */
    int quality, progressive, arith, restart, adobe;
} jvariant;

static uint8_t *jpeg_make(int w, int h, jvariant v, size_t *n)
{
    struct jpeg_compress_struct ci;
    struct jpeg_error_mgr jerr;
    ci.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&ci);
    unsigned char *buf = NULL;
    unsigned long len = 0;
    jpeg_mem_dest(&ci, &buf, &len);
    ci.image_width = (JDIMENSION)w;
    ci.image_height = (JDIMENSION)h;
    ci.input_components = v.comps;
    ci.in_color_space = v.comps == 1 ? JCS_GRAYSCALE : v.comps == 3 ? JCS_RGB : JCS_CMYK;
    jpeg_set_defaults(&ci);
    jpeg_set_quality(&ci, v.quality, TRUE);
    if (v.progressive)
        jpeg_simple_progression(&ci);
    ci.arith_code = v.arith ? TRUE : FALSE;
    ci.restart_interval = (unsigned)v.restart;
    if (v.adobe)
        ci.write_Adobe_marker = TRUE;
    jpeg_start_compress(&ci, TRUE);
    uint8_t *row = malloc((size_t)w * (size_t)v.comps);
    while (ci.next_scanline < ci.image_height) {
        int y = (int)ci.next_scanline;
        for (int x = 0; x < w; x++)
            for (int c = 0; c < v.comps; c++)
                row[x * v.comps + c] = px(x, y, c);
        JSAMPROW rp = row;
        jpeg_write_scanlines(&ci, &rp, 1);
    }
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    free(row);
    *n = len;
    return buf;
}

/* SOI + an APP1 EXIF segment with this orientation + the rest. */
static uint8_t *with_exif(const uint8_t *j, size_t n, int orientation, int be, size_t *out_n)
{
    uint8_t app1[36] = {0xff, 0xe1, 0, 34, 'E', 'x', 'i', 'f', 0, 0};
    uint8_t *t = app1 + 10;
    if (be) {
        memcpy(t, "MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01", 18);
        t[19] = (uint8_t)orientation;
    } else {
        memcpy(t, "II\x2a\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0", 18);
        t[18] = (uint8_t)orientation;
    }
    uint8_t *o = malloc(n + sizeof app1);
    memcpy(o, j, 2);
    memcpy(o + 2, app1, sizeof app1);
    memcpy(o + 2 + sizeof app1, j + 2, n - 2);
    *out_n = n + sizeof app1;
    return o;
}

static void jpegs(void)
{
    static const struct { const char *name; jvariant v; } js[] = {
        {"ok_jpeg_rgb_q75.jpg", {3, 75, 0, 0, 0, 0}},
        {"ok_jpeg_rgb_q95_444.jpg", {3, 95, 0, 0, 0, 0}},
        {"ok_jpeg_gray.jpg", {1, 80, 0, 0, 0, 0}},
        {"ok_jpeg_progressive.jpg", {3, 80, 1, 0, 0, 0}},
        {"ok_jpeg_arithmetic.jpg", {3, 80, 0, 1, 0, 0}},
        {"ok_jpeg_restart.jpg", {3, 80, 0, 0, 2, 0}},
        {"ok_jpeg_cmyk_adobe.jpg", {4, 80, 0, 0, 0, 1}},
        {"ok_jpeg_cmyk_plain.jpg", {4, 80, 0, 0, 0, 0}},
    };
    size_t n;
    for (size_t i = 0; i < sizeof js / sizeof js[0]; i++) {
        uint8_t *j = jpeg_make(21, 13, js[i].v, &n);
        put("image", js[i].name, j, n);
        free(j);
    }
    uint8_t *j = jpeg_make(24, 16, (jvariant){3, 80, 0, 0, 0, 0}, &n), *e;
    size_t en;
    e = with_exif(j, n, 6, 1, &en);
    put("image", "ok_jpeg_exif_orientation6_be.jpg", e, en);
    free(e);
    e = with_exif(j, n, 8, 0, &en);
    put("image", "ok_jpeg_exif_orientation8_le.jpg", e, en);
    free(e);
    e = with_exif(j, n, 77, 0, &en);
    put("image", "ok_jpeg_exif_orientation_invalid.jpg", e, en);
    free(e);
    put("image", "bad_jpeg_truncated_half.jpg", j, n / 2);
    put("image", "bad_jpeg_soi_only.jpg", j, 3);
    free(j);
    j = jpeg_make(24, 16, (jvariant){3, 80, 1, 0, 0, 0}, &n);
    put("image", "bad_jpeg_progressive_truncated.jpg", j, n * 2 / 3);
    free(j);
}

/* ---- PNG ---- */

typedef struct membuf {
    uint8_t *data;
    size_t n, cap;
} membuf;

static void mem_write(png_structp png, png_bytep p, size_t len)
{
    membuf *m = png_get_io_ptr(png);
    if (m->n + len > m->cap) {
        m->cap = (m->n + len) * 2;
        if (!(m->data = realloc(m->data, m->cap)))
            die("out of memory");
    }
    memcpy(m->data + m->n, p, len);
    m->n += len;
}

static void mem_flush(png_structp png)
{
    (void)png;
}

static membuf png_make(int w, int h, int depth, int ctype, int interlace, int trns, int text)
{
    membuf m = {0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    png_set_write_fn(png, &m, mem_write, mem_flush);
    png_set_IHDR(png, info, w, h, depth, ctype, interlace, 0, 0);
    png_color pal[16];
    for (int i = 0; i < 16; i++)
        pal[i].red = (png_byte)(i * 16), pal[i].green = (png_byte)(255 - i * 9), pal[i].blue = (png_byte)(i * 5);
    if (ctype == PNG_COLOR_TYPE_PALETTE)
        png_set_PLTE(png, info, pal, depth >= 4 ? 16 : 1 << depth);
    if (trns) {
        png_byte alpha[4] = {0, 80, 160, 255};
        png_color_16 tc = {0, 3, 5, 7, 3};
        if (ctype == PNG_COLOR_TYPE_PALETTE)
            png_set_tRNS(png, info, alpha, 4 > (1 << depth) ? 1 << depth : 4, NULL);
        else
            png_set_tRNS(png, info, NULL, 0, &tc);
    }
    if (text) {
        png_text t[2] = {{PNG_TEXT_COMPRESSION_NONE, "Title", "arv fuzz seed", 0, 0, 0, 0},
                         {PNG_TEXT_COMPRESSION_zTXt, "Comment", "compressed comment text", 0, 0, 0, 0}};
        png_set_text(png, info, t, 2);
        png_set_gAMA(png, info, 0.45455);
    }
    png_write_info(png, info);
    int ch = png_get_channels(png, info);
    size_t rowbytes = ((size_t)w * (size_t)ch * (size_t)depth + 7) / 8;
    png_bytep row = malloc(rowbytes);
    png_bytep *rows = malloc(sizeof *rows * (size_t)h);
    uint8_t *pix = malloc(rowbytes * (size_t)h);
    for (int y = 0; y < h; y++) {
        for (size_t k = 0; k < rowbytes; k++)
            pix[(size_t)y * rowbytes + k] =
                (uint8_t)(px((int)k, y, 0) % (ctype == PNG_COLOR_TYPE_PALETTE && depth == 8 ? 16 : 256));
        rows[y] = pix + (size_t)y * rowbytes;
    }
    png_write_image(png, rows);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(row);
    free(rows);
    free(pix);
    return m;
}

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static uint32_t crc32_png(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xffffffffu;
}

static void pngs(void)
{
    static const struct { const char *name; int depth, ctype, il, trns, text; } ps[] = {
        {"ok_png_gray1.png", 1, PNG_COLOR_TYPE_GRAY, 0, 0, 0},
        {"ok_png_gray2.png", 2, PNG_COLOR_TYPE_GRAY, 0, 0, 0},
        {"ok_png_gray4.png", 4, PNG_COLOR_TYPE_GRAY, 0, 0, 0},
        {"ok_png_gray8_trns.png", 8, PNG_COLOR_TYPE_GRAY, 0, 1, 0},
        {"ok_png_gray16.png", 16, PNG_COLOR_TYPE_GRAY, 0, 0, 0},
        {"ok_png_gray_alpha8.png", 8, PNG_COLOR_TYPE_GRAY_ALPHA, 0, 0, 0},
        {"ok_png_gray_alpha16.png", 16, PNG_COLOR_TYPE_GRAY_ALPHA, 0, 0, 0},
        {"ok_png_palette1.png", 1, PNG_COLOR_TYPE_PALETTE, 0, 0, 0},
        {"ok_png_palette2_trns.png", 2, PNG_COLOR_TYPE_PALETTE, 0, 1, 0},
        {"ok_png_palette4_trns.png", 4, PNG_COLOR_TYPE_PALETTE, 0, 1, 0},
        {"ok_png_palette8_interlaced.png", 8, PNG_COLOR_TYPE_PALETTE, 1, 1, 0},
        {"ok_png_rgb8_text_gamma.png", 8, PNG_COLOR_TYPE_RGB, 0, 0, 1},
        {"ok_png_rgb8_trns_interlaced.png", 8, PNG_COLOR_TYPE_RGB, 1, 1, 0},
        {"ok_png_rgb16.png", 16, PNG_COLOR_TYPE_RGB, 0, 0, 0},
        {"ok_png_rgba8.png", 8, PNG_COLOR_TYPE_RGB_ALPHA, 0, 0, 0},
        {"ok_png_rgba16_interlaced.png", 16, PNG_COLOR_TYPE_RGB_ALPHA, 1, 0, 0},
    };
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        membuf m = png_make(13, 9, ps[i].depth, ps[i].ctype, ps[i].il, ps[i].trns, ps[i].text);
        put("image", ps[i].name, m.data, m.n);
        free(m.data);
    }
    membuf m = png_make(13, 9, 8, PNG_COLOR_TYPE_RGB, 0, 0, 0);
    uint8_t *b = malloc(m.n);
    memcpy(b, m.data, m.n);
    b[30] ^= 1;   /* IHDR CRC */
    put("image", "bad_png_crc_ihdr.png", b, m.n);
    memcpy(b, m.data, m.n);
    b[m.n - 14] ^= 0x80;   /* IDAT CRC */
    put("image", "bad_png_crc_idat.png", b, m.n);
    put("image", "bad_png_truncated.png", m.data, m.n - 20);
    put("image", "bad_png_signature_only.png", m.data, 8);
    memcpy(b, m.data, m.n);
    be32(b + 16, 100000), be32(b + 20, 100000), be32(b + 29, crc32_png(b + 12, 17));
    put("image", "bad_png_huge_dimensions.png", b, m.n);
    memcpy(b, m.data, m.n);
    be32(b + 16, 0), be32(b + 29, crc32_png(b + 12, 17));
    put("image", "bad_png_zero_width.png", b, m.n);
    free(b);
    free(m.data);
    put("image", "bad_not_an_image.txt", "this is a text file\n", 20);
    put("image", "bad_empty", "", 0);
}

/* ---- video ---- */

static void video(const char *name, const char *codec, int w, int h, int frames)
{
    char path[512], note[ARV_ERR_LEN], err[ARV_ERR_LEN];
    snprintf(path, sizeof path, "%s/video/%s", root, name);
    arv_video_out_opts o = {.w = w, .h = h, .fps_num = 25, .fps_den = 1, .codec = codec,
                            .preset = "ultrafast", .qscale = 8, .crf = 35};
    arv_video_out *v;
    if (arv_video_out_open(path, &o, &v, note, err) != 0)
        die(err);
    arv_image im;
    if (arv_image_alloc(&im, w, h, 3) != 0)
        die("out of memory");
    for (int i = 0; i < frames; i++) {
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w * 3; x++)
                arv_image_row(&im, y)[x] = px(x + i * 3, y + i, x % 3);
        if (arv_video_out_write(v, &im, i * 40000LL, err) != 0)
            die(err);
    }
    arv_image_free(&im);
    if (arv_video_out_close(v, 1, err) != 0)
        die(err);
}

static void copy_cut(const char *from, const char *to, size_t num, size_t den)
{
    char path[512], err[ARV_ERR_LEN];
    snprintf(path, sizeof path, "%s/video/%s", root, from);
    uint8_t *d;
    size_t n;
    if (arv_read_file(path, 1 << 24, &d, &n, err) != 0)
        die(err);
    put("video", to, d, n * num / den);
    free(d);
}

static void y4m(const char *name, int w, int h, int chroma, int frames)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    char err[ARV_ERR_LEN];
    arv_y4m_writer *wr;
    if (arv_y4m_writer_open(fp, name, w, h, 30000, 1001, chroma, &wr, err) != 0)
        die(err);
    arv_image im;
    if (arv_image_alloc(&im, w, h, 3) != 0)
        die("out of memory");
    for (int i = 0; i < frames; i++) {
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w * 3; x++)
                arv_image_row(&im, y)[x] = px(x, y + i, 0);
        if (arv_y4m_write(wr, &im, err) != 0)
            die(err);
    }
    arv_y4m_writer_close(wr, err);
    arv_image_free(&im);
    fclose(fp);
    put("video", name, buf, len);
    free(buf);
}

static void videos(void)
{
    video("ok_h264.mp4", "libx264", 32, 24, 4);
    video("ok_mpeg4.avi", "mpeg4", 32, 24, 4);
    video("ok_mpeg4.mkv", "mpeg4", 24, 16, 3);
    video("ok_vp9.webm", "libvpx-vp9", 32, 16, 3);
    video("ok_ffv1.mkv", "ffv1", 16, 16, 3);
    copy_cut("ok_h264.mp4", "any_h264_truncated_half.mp4", 1, 2);
    copy_cut("ok_mpeg4.avi", "any_mpeg4_truncated_3q.avi", 3, 4);
    copy_cut("ok_h264.mp4", "bad_mp4_header_only.mp4", 64, 4096);
    y4m("ok_y4m_420.y4m", 16, 8, 420, 3);
    y4m("ok_y4m_444_odd.y4m", 7, 5, 444, 2);
    const char *mono = "YUV4MPEG2 W4 H2 F25:1 Cmono XCOLORRANGE=FULL\nFRAME\n01234567FRAME\n76543210";
    put("video", "ok_y4m_mono_full.y4m", mono, strlen(mono));
    const char *c10 = "YUV4MPEG2 W4 H2 F25:1 C420p10\nFRAME\n0123456789abcdef";
    put("video", "bad_y4m_10bit.y4m", c10, strlen(c10));
    const char *text = "line one of a text file named like a video\nline two\n";
    put("video", "bad_text_named.mp4", text, strlen(text));
}

int main(int argc, char **argv)
{
    if (argc != 2)
        die("usage: gen_media_corpus CORPUS_DIR (tests/fuzz/corpus)");
    root = argv[1];
    jpegs();
    pngs();
    videos();
    return 0;
}
