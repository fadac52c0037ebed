/* image_io.c — still images by content: sniff, decode, orient; save by
 * extension through a temp file (see image_io.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "media/exif.h"
#include "media/image_io.h"
#include "media/jpeg.h"
#include "media/png.h"
#include "util/atomic_file.h"

int arv_read_stream(FILE *fp, const uint8_t *prefix, size_t n_prefix, const char *name,
                    int64_t max_bytes, uint8_t **data, size_t *n, char *err)
{
    size_t cap = n_prefix + 65536, len = n_prefix;
    uint8_t *buf = malloc(cap);
    if (!buf) {
        arv_err(err, name, "out of memory");
        return -1;
    }
    if (n_prefix)
        memcpy(buf, prefix, n_prefix);
    for (;;) {
        if (len == cap) {
            if ((int64_t)len > max_bytes) {
                free(buf);
                arv_err(err, name, "larger than %lld bytes",
                         (long long)max_bytes);
                return -1;
            }
            size_t ncap = cap * 2 > (size_t)max_bytes + 1 ? (size_t)max_bytes + 1 : cap * 2;
            uint8_t *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                arv_err(err, name, "out of memory");
                return -1;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(fp)) {
        free(buf);
        arv_err(err, name, "read error: %s", strerror(errno));
        return -1;
    }
    if ((int64_t)len > max_bytes) {
        free(buf);
        arv_err(err, name, "larger than %lld bytes", (long long)max_bytes);
        return -1;
    }
    *data = buf;
    *n = len;
    return 0;
}

int arv_read_file(const char *path, int64_t max_bytes, uint8_t **data, size_t *n, char *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        arv_err(err, path, "%s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(fp);
        arv_err(err, path, "is a directory");
        return -1;
    }
    if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > max_bytes) {
        fclose(fp);
        arv_err(err, path, "larger than %lld bytes", (long long)max_bytes);
        return -1;
    }
    int rc = arv_read_stream(fp, NULL, 0, path, max_bytes, data, n, err);
    fclose(fp);
    return rc;
}

int arv_image_load_mem(const uint8_t *data, size_t n, const char *name,
                       const arv_image_load_opts *o, arv_image *out, char *err)
{
    arv_image_load_opts d = {0};
    if (!o)
        o = &d;
    int channels = o->channels ? o->channels : 3;
    int orientation = 0;
    int rc;
    memset(out, 0, sizeof *out);
    switch (arv_media_sniff(data, n)) {
    case ARV_MEDIA_JPEG:
        rc = arv_jpeg_decode(data, n, name, channels, &o->limits, out, &orientation, err);
        break;
    case ARV_MEDIA_PNG:
        rc = arv_png_decode(data, n, name, channels, &o->limits, out, err);
        break;
    default:
        arv_err(err, name, "%s",
                 n == 0 ? "empty file" : "not a JPEG or PNG image");
        return -1;
    }
    if (rc == 0 && !o->no_exif && arv_image_orient(out, orientation) != 0) {
        arv_image_free(out);
        arv_err(err, name, "out of memory");
        return -1;
    }
    return rc;
}

int arv_image_load(const char *path, const arv_image_load_opts *o, arv_image *out, char *err)
{
    uint8_t *data;
    size_t n;
    memset(out, 0, sizeof *out);
    if (arv_read_file(path, ARV_IMAGE_MAX_FILE_BYTES, &data, &n, err) != 0)
        return -1;
    int rc = arv_image_load_mem(data, n, path, o, out, err);
    free(data);
    return rc;
}

int arv_image_save(const char *path, const arv_image *im, int jpeg_quality, char *err)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    int is_png = 0, is_jpeg = 0;
    if (dot && (!slash || dot > slash)) {
        is_png = strcasecmp(dot, ".png") == 0;
        is_jpeg = strcasecmp(dot, ".jpg") == 0 || strcasecmp(dot, ".jpeg") == 0;
    }
    if (!is_png && !is_jpeg) {
        arv_err(err, path, "unknown image type (use .png, .jpg or .jpeg)");
        return -1;
    }
    if (is_jpeg && im->c != 1 && im->c != 3) {   /* refuse before creating anything */
        arv_err(err, path, "JPEG stores gray or RGB, not %d channels%s",
                 im->c, im->c == 4 ? " (no alpha: use .png)" : "");
        return -1;
    }
    arv_atomic_file af;
    if (arv_atomic_open(&af, path, err) != 0)
        return -1;
    int rc = is_png ? arv_png_encode(af.fp, im, path, err)
                    : arv_jpeg_encode(af.fp, im, jpeg_quality, path, err);
    if (rc != 0) {
        char ignore[ARV_ERR_LEN];
        arv_atomic_commit(&af, 0, ignore);
        return -1;
    }
    return arv_atomic_commit(&af, 1, err);
}
