/* test_media_image.c — src/media still images: JPEG/PNG decoding of the
 * real photos in testdata/images, PNG variants made here with libpng
 * (16-bit, palette + tRNS, gray + alpha, 1-bit gray, interlaced) decoding
 * exactly, EXIF orientation (APP1 bytes written here) for all 8 values,
 * broken files (truncated JPEG, flipped PNG CRC, junk) failing with one
 * clean line and nothing on stderr, limits, and saving through a temp file. */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <png.h>
#include "media/exif.h"
#include "media/image_io.h"
#include "media/jpeg.h"
#include "media/png.h"
#include "support/testutil.h"

static void data_path(char *out, size_t n, const char *rel)
{
    snprintf(out, n, "%s/%s", tu_srcdir(), rel);
}

/* The contract of every failure: a non-empty single line naming the input. */
static void check_err(const char *err, const char *name, const char *words)
{
    ck_assert_msg(err[0] != 0, "empty error message");
    ck_assert_msg(strchr(err, '\n') == NULL, "multi-line error: %s", err);
    ck_assert_msg(strncmp(err, name, strlen(name)) == 0, "error does not start with %s: %s", name,
                  err);
    ck_assert_msg(strstr(err, words) != NULL, "error lacks '%s': %s", words, err);
}

/* Run fn with stderr redirected to a temp file; return how many bytes it
 * wrote there (libjpeg/libpng must never print). */
static long stderr_bytes_during(void (*fn)(void *), void *arg)
{
    char tmpl[512];
    tu_tmp_template(tmpl, sizeof tmpl, "arv_stderr_");
    int fd = mkstemp(tmpl);
    ck_assert_int_ge(fd, 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    fn(arg);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    struct stat st;
    fstat(fd, &st);
    close(fd);
    unlink(tmpl);
    return (long)st.st_size;
}

static int read_all(const char *path, uint8_t **data, size_t *n)
{
    char err[ARV_ERR_LEN];
    return arv_read_file(path, 1 << 28, data, n, err);
}

/* ---- real photos ---- */

START_TEST(decode_real_jpegs)
{
    static const struct { const char *file; int w, h; } photos[] = {
        {"kpa_anne_helene.jpg", 400, 600},
        {"kpa_bar55.jpg", 800, 600},
        {"darknet_person.jpg", 640, 424},
        {"rmagick_Shorts.jpg", 167, 250},
        {"cvdoc_handSrc.jpg", 640, 480},
        {"cvdoc_Histogram_Comparison_Source_0.jpg", 200, 200},
    };
    for (size_t i = 0; i < sizeof photos / sizeof photos[0]; i++) {
        char path[512], err[ARV_ERR_LEN];
        snprintf(path, sizeof path, "%s/testdata/images/%s", tu_srcdir(), photos[i].file);
        arv_image im;
        ck_assert_msg(arv_image_load(path, NULL, &im, err) == 0, "%s", err);
        ck_assert_int_eq(im.w, photos[i].w);
        ck_assert_int_eq(im.h, photos[i].h);
        ck_assert_int_eq(im.c, 3);
        /* a photo is not flat */
        long sum = 0, sq = 0, n = (long)im.w * im.h * 3;
        for (long k = 0; k < n; k++)
            sum += im.data[k], sq += (long)im.data[k] * im.data[k];
        double mean = (double)sum / n, var = (double)sq / n - mean * mean;
        ck_assert_msg(var > 100, "%s: variance %.1f", photos[i].file, var);
        /* RGBA gives the same colours and opaque alpha */
        arv_image_load_opts o = {.channels = 4};
        arv_image im4;
        ck_assert_msg(arv_image_load(path, &o, &im4, err) == 0, "%s", err);
        ck_assert_int_eq(im4.c, 4);
        for (int y = 0; y < im.h; y += 37)
            for (int x = 0; x < im.w; x += 29) {
                const uint8_t *a = arv_image_row(&im, y) + x * 3, *b = arv_image_row(&im4, y) + x * 4;
                ck_assert(a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && b[3] == 255);
            }
        arv_image_free(&im);
        arv_image_free(&im4);
    }
}
END_TEST

/* ---- PNG variants made with libpng ---- */

typedef struct membuf {
    uint8_t *data;
    size_t n, cap;
} membuf;

static void mem_write(png_structp png, png_bytep p, size_t len)
{
    membuf *m = png_get_io_ptr(png);
    if (m->n + len > m->cap) {
        m->cap = (m->n + len) * 2;
        m->data = realloc(m->data, m->cap);
    }
    memcpy(m->data + m->n, p, len);
    m->n += len;
}

static void mem_flush(png_structp png)
{
    (void)png;
}

/* rows: h rows of rowbytes each; palette/trns optional. */
static membuf make_png(int w, int h, int depth, int ctype, int interlace, const uint8_t *pix,
                       size_t rowbytes, const png_color *pal, int npal, const uint8_t *trns,
                       int ntrns)
{
    membuf m = {0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    ck_assert(png && info);
    png_set_write_fn(png, &m, mem_write, mem_flush);
    png_set_IHDR(png, info, w, h, depth, ctype, interlace, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    if (pal)
        png_set_PLTE(png, info, pal, npal);
    if (trns)
        png_set_tRNS(png, info, trns, ntrns, NULL);
    png_write_info(png, info);
    png_bytep *rows = malloc(sizeof *rows * h);
    for (int y = 0; y < h; y++)
        rows[y] = (png_bytep)pix + (size_t)y * rowbytes;
    png_write_image(png, rows);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(rows);
    return m;
}

/* CRC-32 as PNG chunks use it (the zlib polynomial), bit by bit. */
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

static uint8_t val(int x, int y, int ch)
{
    return (uint8_t)(x * 37 + y * 11 + ch * 71 + (x * y) % 13);
}

START_TEST(png_16bit_rgb_exact)
{
    const int w = 13, h = 7;
    uint8_t *pix = malloc((size_t)w * h * 6);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int c = 0; c < 3; c++) {
                unsigned v = val(x, y, c) * 257u;   /* 16-bit made from 8-bit: exact */
                pix[(y * w + x) * 6 + c * 2] = (uint8_t)(v >> 8);
                pix[(y * w + x) * 6 + c * 2 + 1] = (uint8_t)v;
            }
    for (int il = 0; il < 2; il++) {
        membuf m = make_png(w, h, 16, PNG_COLOR_TYPE_RGB,
                            il ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, pix, (size_t)w * 6, NULL,
                            0, NULL, 0);
        arv_image im;
        char err[ARV_ERR_LEN];
        ck_assert_msg(arv_image_load_mem(m.data, m.n, "rgb16.png", NULL, &im, err) == 0, "%s", err);
        ck_assert_int_eq(im.w, w);
        ck_assert_int_eq(im.h, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                    ck_assert_int_eq(arv_image_row(&im, y)[x * 3 + c], val(x, y, c));
        arv_image_free(&im);
        free(m.data);
    }
    free(pix);
}
END_TEST

START_TEST(png_palette_trns_exact)
{
    const int w = 9, h = 5;
    png_color pal[4] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {10, 20, 30}};
    uint8_t trns[3] = {0, 128, 255};   /* entry 3 has no tRNS value: opaque */
    uint8_t *pix = malloc((size_t)w * h);
    for (int i = 0; i < w * h; i++)
        pix[i] = (uint8_t)(i % 4);
    membuf m = make_png(w, h, 8, PNG_COLOR_TYPE_PALETTE, PNG_INTERLACE_NONE, pix, w, pal, 4, trns, 3);
    arv_image_load_opts o4 = {.channels = 4}, o3 = {.channels = 3};
    arv_image a, b;
    char err[ARV_ERR_LEN];
    ck_assert_msg(arv_image_load_mem(m.data, m.n, "pal.png", &o4, &a, err) == 0, "%s", err);
    ck_assert_msg(arv_image_load_mem(m.data, m.n, "pal.png", &o3, &b, err) == 0, "%s", err);
    ck_assert_int_eq(a.c, 4);
    ck_assert_int_eq(b.c, 3);
    for (int i = 0; i < w * h; i++) {
        int k = pix[i];
        const uint8_t *p = a.data + (size_t)i * 4, *q = b.data + (size_t)i * 3;
        ck_assert(p[0] == pal[k].red && p[1] == pal[k].green && p[2] == pal[k].blue);
        ck_assert_int_eq(p[3], k < 3 ? trns[k] : 255);
        ck_assert(q[0] == pal[k].red && q[1] == pal[k].green && q[2] == pal[k].blue);
    }
    arv_image_free(&a);
    arv_image_free(&b);
    free(m.data);
    free(pix);
}
END_TEST

START_TEST(png_gray_alpha_and_1bit_exact)
{
    const int w = 11, h = 6;
    uint8_t *ga = malloc((size_t)w * h * 2);
    for (int i = 0; i < w * h; i++)
        ga[i * 2] = (uint8_t)(i * 7), ga[i * 2 + 1] = (uint8_t)(255 - i * 3);
    membuf m = make_png(w, h, 8, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_INTERLACE_NONE, ga, (size_t)w * 2,
                        NULL, 0, NULL, 0);
    arv_image_load_opts o4 = {.channels = 4};
    arv_image im;
    char err[ARV_ERR_LEN];
    ck_assert_msg(arv_image_load_mem(m.data, m.n, "ga.png", &o4, &im, err) == 0, "%s", err);
    for (int i = 0; i < w * h; i++) {
        const uint8_t *p = im.data + (size_t)i * 4;
        ck_assert(p[0] == ga[i * 2] && p[1] == ga[i * 2] && p[2] == ga[i * 2]);
        ck_assert_int_eq(p[3], ga[i * 2 + 1]);
    }
    arv_image_free(&im);
    free(m.data);
    free(ga);

    /* 1-bit gray: 0 -> 0, 1 -> 255 */
    uint8_t bits[6 * 2];
    for (int y = 0; y < 6; y++)
        bits[y * 2] = (uint8_t)(0xA5 ^ y), bits[y * 2 + 1] = 0x80;
    m = make_png(9, 6, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, bits, 2, NULL, 0, NULL, 0);
    ck_assert_msg(arv_image_load_mem(m.data, m.n, "g1.png", NULL, &im, err) == 0, "%s", err);
    for (int y = 0; y < 6; y++)
        for (int x = 0; x < 9; x++) {
            int bit = bits[y * 2 + x / 8] >> (7 - x % 8) & 1;
            ck_assert_int_eq(arv_image_row(&im, y)[x * 3 + 1], bit ? 255 : 0);
        }
    arv_image_free(&im);
    free(m.data);
}
END_TEST

START_TEST(png_save_load_roundtrip)
{
    char dir[200], path[256], err[ARV_ERR_LEN];
    tu_tmp_template(dir, sizeof dir, "arv_png_");
    ck_assert(mkdtemp(dir));
    for (int c = 1; c <= 4; c++) {
        if (c == 2)
            continue;
        arv_image im, back;
        ck_assert_int_eq(arv_image_alloc(&im, 17, 9, c), 0);
        for (int y = 0; y < 9; y++)
            for (int x = 0; x < 17; x++)
                for (int k = 0; k < c; k++)
                    arv_image_row(&im, y)[x * c + k] = val(x, y, k);
        snprintf(path, sizeof path, "%s/out%d.PNG", dir, c);   /* extension in any case */
        ck_assert_msg(arv_image_save(path, &im, 0, err) == 0, "%s", err);
        arv_image_load_opts o = {.channels = c == 4 ? 4 : 3};
        ck_assert_msg(arv_image_load(path, &o, &back, err) == 0, "%s", err);
        for (int y = 0; y < 9; y++)
            for (int x = 0; x < 17; x++)
                for (int k = 0; k < back.c; k++)
                    ck_assert_int_eq(arv_image_row(&back, y)[x * back.c + k],
                                     val(x, y, c == 1 ? 0 : k));
        arv_image_free(&im);
        arv_image_free(&back);
        unlink(path);
    }
    rmdir(dir);
}
END_TEST

START_TEST(jpeg_save_load_close)
{
    char dir[200], path[256], err[ARV_ERR_LEN];
    tu_tmp_template(dir, sizeof dir, "arv_jpg_");
    ck_assert(mkdtemp(dir));
    arv_image im, back;
    ck_assert_int_eq(arv_image_alloc(&im, 64, 48, 3), 0);
    for (int y = 0; y < 48; y++)
        for (int x = 0; x < 64; x++) {
            uint8_t *p = arv_image_row(&im, y) + x * 3;
            p[0] = (uint8_t)(x * 4), p[1] = (uint8_t)(y * 5), p[2] = 128;
        }
    snprintf(path, sizeof path, "%s/a.jpeg", dir);
    ck_assert_msg(arv_image_save(path, &im, 95, err) == 0, "%s", err);
    ck_assert_msg(arv_image_load(path, NULL, &back, err) == 0, "%s", err);
    ck_assert_int_eq(back.w, 64);
    ck_assert_int_eq(back.h, 48);
    int maxd = 0;
    for (size_t i = 0; i < (size_t)64 * 48 * 3; i++) {
        int d = abs(im.data[i] - back.data[i]);
        maxd = d > maxd ? d : maxd;
    }
    ck_assert_msg(maxd <= 8, "max difference %d at quality 95", maxd);
    arv_image_free(&back);
    unlink(path);

    /* RGBA cannot be a JPEG: refused before any file exists */
    arv_image rgba;
    ck_assert_int_eq(arv_image_alloc(&rgba, 4, 4, 4), 0);
    snprintf(path, sizeof path, "%s/b.jpg", dir);
    ck_assert_int_eq(arv_image_save(path, &rgba, 0, err), -1);
    check_err(err, path, "use .png");
    /* unknown extension */
    snprintf(path, sizeof path, "%s/c.bmp", dir);
    ck_assert_int_eq(arv_image_save(path, &im, 0, err), -1);
    check_err(err, path, "unknown image type");
    /* a directory that does not exist */
    snprintf(path, sizeof path, "%s/no/such/d.png", dir);
    ck_assert_int_eq(arv_image_save(path, &im, 0, err), -1);
    check_err(err, path, "cannot create");
    arv_image_free(&rgba);
    arv_image_free(&im);
    /* nothing left behind, not even temp files */
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    ck_assert_int_eq(n, 0);
    rmdir(dir);
}
END_TEST

/* ---- EXIF orientation ---- */

/* A JPEG of w x h with four flat quadrants (red, green / blue, white) and
 * an APP1 EXIF segment holding `orientation` (0: no APP1). */
static const uint8_t QUAD[4][3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}};

static uint8_t *make_oriented_jpeg(int w, int h, int orientation, int big_endian, size_t *n)
{
    arv_image im;
    ck_assert_int_eq(arv_image_alloc(&im, w, h, 3), 0);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            memcpy(arv_image_row(&im, y) + x * 3, QUAD[(y >= h / 2) * 2 + (x >= w / 2)], 3);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    char err[ARV_ERR_LEN];
    ck_assert_msg(arv_jpeg_encode(fp, &im, 95, "mem", err) == 0, "%s", err);
    fclose(fp);
    arv_image_free(&im);
    if (!orientation) {
        *n = len;
        return (uint8_t *)buf;
    }
    /* APP1: FF E1, length 34, "Exif\0\0", TIFF header, IFD0 with one entry. */
    uint8_t app1[36] = {0xff, 0xe1, 0, 34, 'E', 'x', 'i', 'f', 0, 0};
    uint8_t *t = app1 + 10;
    if (big_endian) {
        memcpy(t, "MM\0\x2a\0\0\0\x08", 8);
        memcpy(t + 8, "\0\x01" "\x01\x12" "\0\x03" "\0\0\0\x01", 10);
        t[18] = 0, t[19] = (uint8_t)orientation;
    } else {
        memcpy(t, "II\x2a\0\x08\0\0\0", 8);
        memcpy(t + 8, "\x01\0" "\x12\x01" "\x03\0" "\x01\0\0\0", 10);
        t[18] = (uint8_t)orientation, t[19] = 0;
    }
    /* t[20..21] padding, t[22..25] next IFD = 0 (already zero) */
    uint8_t *out = malloc(len + sizeof app1);
    memcpy(out, buf, 2);   /* SOI */
    memcpy(out + 2, app1, sizeof app1);
    memcpy(out + 2 + sizeof app1, buf + 2, len - 2);
    free(buf);
    *n = len + sizeof app1;
    return out;
}

/* Which source quadrant ends up at each displayed corner (TL, TR, BL, BR),
 * per the EXIF specification's meaning of orientations 1..8. */
static const int CORNERS[9][4] = {
    {0, 0, 0, 0},
    {0, 1, 2, 3},   /* 1 upright */
    {1, 0, 3, 2},   /* 2 mirrored left-right */
    {3, 2, 1, 0},   /* 3 rotated 180 */
    {2, 3, 0, 1},   /* 4 mirrored top-bottom */
    {0, 2, 1, 3},   /* 5 transposed */
    {2, 0, 3, 1},   /* 6 turned 90 clockwise to display */
    {3, 1, 2, 0},   /* 7 transversed */
    {1, 3, 0, 2},   /* 8 turned 90 counter-clockwise to display */
};

static void expect_colour(const arv_image *im, int x, int y, int quad, int o)
{
    const uint8_t *p = arv_image_row(im, y) + x * 3;
    for (int c = 0; c < 3; c++)
        ck_assert_msg(abs(p[c] - QUAD[quad][c]) < 40,
                      "orientation %d: pixel (%d,%d) is %d,%d,%d, want quadrant %d", o, x, y, p[0],
                      p[1], p[2], quad);
}

START_TEST(exif_orientation_all)
{
    const int w = 48, h = 32;
    for (int be = 0; be < 2; be++)
        for (int o = 1; o <= 8; o++) {
            size_t n;
            uint8_t *jpg = make_oriented_jpeg(w, h, o, be, &n);
            arv_image im;
            char err[ARV_ERR_LEN];
            ck_assert_msg(arv_image_load_mem(jpg, n, "exif.jpg", NULL, &im, err) == 0, "%s", err);
            int W = o >= 5 ? h : w, H = o >= 5 ? w : h;
            ck_assert_int_eq(im.w, W);
            ck_assert_int_eq(im.h, H);
            expect_colour(&im, 2, 2, CORNERS[o][0], o);
            expect_colour(&im, W - 3, 2, CORNERS[o][1], o);
            expect_colour(&im, 2, H - 3, CORNERS[o][2], o);
            expect_colour(&im, W - 3, H - 3, CORNERS[o][3], o);
            arv_image_free(&im);
            /* --no-exif: stored pixels as they are */
            arv_image_load_opts off = {.no_exif = 1};
            ck_assert_msg(arv_image_load_mem(jpg, n, "exif.jpg", &off, &im, err) == 0, "%s", err);
            ck_assert_int_eq(im.w, w);
            ck_assert_int_eq(im.h, h);
            expect_colour(&im, 2, 2, 0, 1);
            arv_image_free(&im);
            free(jpg);
        }
}
END_TEST

START_TEST(exif_parser_bounds)
{
    uint8_t ok[32] = {'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 0x2a, 0, 8, 0, 0, 0,
                      1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0};
    ck_assert_int_eq(arv_exif_orientation(ok, 32), 6);
    for (size_t n = 0; n < 26; n++)   /* every truncation: no tag, no overread */
        ck_assert_int_eq(arv_exif_orientation(ok, n), 0);
    uint8_t bad[32];
    memcpy(bad, ok, 32);
    bad[24] = 9;   /* out of range value */
    ck_assert_int_eq(arv_exif_orientation(bad, 32), 0);
    memcpy(bad, ok, 32);
    bad[10] = 0xf0, bad[11] = 0xff;   /* IFD offset far outside */
    ck_assert_int_eq(arv_exif_orientation(bad, 32), 0);
    memcpy(bad, ok, 32);
    bad[14] = 0xff, bad[15] = 0xff;   /* 65535 entries claimed, none of them orientation */
    bad[16] = 0x13;
    ck_assert_int_eq(arv_exif_orientation(bad, 32), 0);
    memcpy(bad, ok, 32);
    bad[0] = 'X';
    ck_assert_int_eq(arv_exif_orientation(bad, 32), 0);
}
END_TEST

/* ---- broken files ---- */

typedef struct bad_case {
    const uint8_t *data;
    size_t n;
    const char *name;
    int rc;
    char err[ARV_ERR_LEN];
} bad_case;

static void load_bad(void *arg)
{
    bad_case *b = arg;
    arv_image im;
    b->rc = arv_image_load_mem(b->data, b->n, b->name, NULL, &im, b->err);
    if (b->rc == 0)
        arv_image_free(&im);
}

START_TEST(truncated_jpeg)
{
    char path[512];
    data_path(path, sizeof path, "testdata/images/kpa_bar55.jpg");
    uint8_t *data;
    size_t n;
    ck_assert_int_eq(read_all(path, &data, &n), 0);
    size_t cuts[] = {n / 2, n - 200, 1000, 200, 3};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        bad_case b = {data, cuts[i], "cut.jpg", 0, ""};
        ck_assert_int_eq(stderr_bytes_during(load_bad, &b), 0);
        ck_assert_int_eq(b.rc, -1);
        check_err(b.err, "cut.jpg", "JPEG");
    }
    bad_case b = {data, n / 2, "cut.jpg", 0, ""};
    load_bad(&b);
    check_err(b.err, "cut.jpg", "corrupt JPEG: Premature end of JPEG file");
    /* garbage after the SOI marker */
    uint8_t junk[64] = {0xff, 0xd8, 0xff, 0x00, 1, 2, 3};
    bad_case j = {junk, sizeof junk, "junk.jpg", 0, ""};
    ck_assert_int_eq(stderr_bytes_during(load_bad, &j), 0);
    ck_assert_int_eq(j.rc, -1);
    check_err(j.err, "junk.jpg", "JPEG: ");
    free(data);
}
END_TEST

START_TEST(png_bad_crc)
{
    const int w = 8, h = 8;
    uint8_t pix[8 * 8 * 3];
    for (int i = 0; i < (int)sizeof pix; i++)
        pix[i] = (uint8_t)i;
    membuf m = make_png(w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, pix, 24, NULL, 0, NULL, 0);
    /* IHDR's CRC is at bytes 29..32 (8 signature + 4 length + 4 type + 13 data). */
    uint8_t *bad = malloc(m.n);
    memcpy(bad, m.data, m.n);
    bad[30] ^= 0x01;
    bad_case b = {bad, m.n, "crc.png", 0, ""};
    ck_assert_int_eq(stderr_bytes_during(load_bad, &b), 0);
    ck_assert_int_eq(b.rc, -1);
    check_err(b.err, "crc.png", "bad PNG: IHDR: CRC error");
    /* the IDAT CRC: the last 4 bytes before IEND's 12 */
    memcpy(bad, m.data, m.n);
    bad[m.n - 12 - 2] ^= 0x80;
    b.rc = 0;
    ck_assert_int_eq(stderr_bytes_during(load_bad, &b), 0);
    ck_assert_int_eq(b.rc, -1);
    check_err(b.err, "crc.png", "CRC error");
    /* truncated in the middle of IDAT */
    bad_case t = {m.data, m.n - 20, "short.png", 0, ""};
    ck_assert_int_eq(stderr_bytes_during(load_bad, &t), 0);
    ck_assert_int_eq(t.rc, -1);
    check_err(t.err, "short.png", "bad PNG");
    free(bad);
    free(m.data);
}
END_TEST

START_TEST(not_an_image_and_limits)
{
    char err[ARV_ERR_LEN];
    arv_image im;
    const char *text = "hello, I am a text file\n";
    ck_assert_int_eq(arv_image_load_mem((const uint8_t *)text, strlen(text), "t.png", NULL, &im, err), -1);
    check_err(err, "t.png", "not a JPEG or PNG image");
    ck_assert_int_eq(arv_image_load_mem((const uint8_t *)"", 0, "e.jpg", NULL, &im, err), -1);
    check_err(err, "e.jpg", "empty file");
    ck_assert_int_eq(arv_image_load("/nonexistent/x.jpg", NULL, &im, err), -1);
    check_err(err, "/nonexistent/x.jpg", "No such file");

    char path[512];
    data_path(path, sizeof path, "testdata/images/kpa_bar55.jpg");   /* 800x600 */
    arv_image_load_opts o = {.limits = {.max_dim = 700}};
    ck_assert_int_eq(arv_image_load(path, &o, &im, err), -1);
    check_err(err, path, "image is 800x600, over the limit of 700 pixels a side");
    arv_image_load_opts p = {.limits = {.max_pixels = 400000}};
    ck_assert_int_eq(arv_image_load(path, &p, &im, err), -1);
    check_err(err, path, "= 480000 pixels, over the limit of 400000");
    /* a PNG whose header claims 100000 x 100000 */
    uint8_t pix[3] = {1, 2, 3};
    membuf m = make_png(1, 1, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, pix, 3, NULL, 0, NULL, 0);
    png_save_uint_32(m.data + 16, 100000);
    png_save_uint_32(m.data + 20, 100000);
    uint32_t crc = crc32_png(m.data + 12, 17);
    png_save_uint_32(m.data + 29, crc);
    ck_assert_int_eq(arv_image_load_mem(m.data, m.n, "huge.png", NULL, &im, err), -1);
    check_err(err, "huge.png", "over the limit of 16384 pixels a side");
    free(m.data);
    /* a PNG named .jpg loads (content decides) */
    m = make_png(1, 1, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, pix, 3, NULL, 0, NULL, 0);
    ck_assert_int_eq(arv_image_load_mem(m.data, m.n, "really_png.jpg", NULL, &im, err), 0);
    ck_assert(im.data[0] == 1 && im.data[1] == 2 && im.data[2] == 3);
    arv_image_free(&im);
    free(m.data);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("media_image");
    TCase *tc = tcase_create("image");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, decode_real_jpegs);
    tcase_add_test(tc, png_16bit_rgb_exact);
    tcase_add_test(tc, png_palette_trns_exact);
    tcase_add_test(tc, png_gray_alpha_and_1bit_exact);
    tcase_add_test(tc, png_save_load_roundtrip);
    tcase_add_test(tc, jpeg_save_load_close);
    tcase_add_test(tc, exif_orientation_all);
    tcase_add_test(tc, exif_parser_bounds);
    tcase_add_test(tc, truncated_jpeg);
    tcase_add_test(tc, png_bad_crc);
    tcase_add_test(tc, not_an_image_and_limits);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
