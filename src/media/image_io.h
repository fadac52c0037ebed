/* image_io.h — load and save still images by content, not by name.
 *
 *   arv_image_load_opts o = {0};          // RGB, EXIF applied, default limits
 *   arv_image im;
 *   char err[ARV_ERR_LEN];
 *   if (arv_image_load("photo.jpg", &o, &im, err) != 0) { report(err); ... }
 *   ...
 *   arv_image_save("out/photo.png", &im, 0, err);
 *   arv_image_free(&im);
 *
 * Loading sniffs the first bytes (JPEG or PNG; a .png that holds a JPEG
 * loads fine); saving picks the format from the extension and writes
 * through a temp file + rename (util/atomic_file.h), so a failed save never
 * leaves a partial file. */
#ifndef ARV_IMAGE_IO_H
#define ARV_IMAGE_IO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "image/image.h"
#include "media/media.h"

/* Options; all-zero means the defaults. */
typedef struct arv_image_load_opts {
    int channels;           /* 3 = RGB (default), 4 = RGBA (alpha 255 if the file has none) */
    int no_exif;            /* 1: ignore the EXIF orientation (default: apply it) */
    arv_media_limits limits;/* width/height and pixel-count limits, checked before decoding */
} arv_image_load_opts;

/* Largest file arv_image_load reads into memory. */
#define ARV_IMAGE_MAX_FILE_BYTES (1LL << 30)

/* Load a JPEG or PNG file. o may be NULL (defaults). Returns 0, or -1 with
 * err = "PATH: problem" (e.g. "x.mp4: not a JPEG or PNG image",
 * "a.jpg: corrupt JPEG: Premature end of JPEG file"). */
int arv_image_load(const char *path, const arv_image_load_opts *o, arv_image *out, char *err);

/* The same from memory (stdin, fuzzing); name is used in messages. */
int arv_image_load_mem(const uint8_t *data, size_t n, const char *name,
                       const arv_image_load_opts *o, arv_image *out, char *err);

/* Save by extension: .png (gray, RGB, RGBA) or .jpg/.jpeg (gray, RGB;
 * jpeg_quality 1..100, 0 = 90), case-insensitive. Returns 0, or -1 with err
 * set and no file left behind. */
int arv_image_save(const char *path, const arv_image *im, int jpeg_quality, char *err);

/* Read a whole file (at most max_bytes) into a malloc'd buffer. Returns 0
 * and sets *data / *n (free(*data) after), or -1 with err set. */
int arv_read_file(const char *path, int64_t max_bytes, uint8_t **data, size_t *n, char *err);

/* Read a whole stream to its end; `prefix` (may be NULL) holds n_prefix
 * bytes already read from it. Same contract as arv_read_file. */
int arv_read_stream(FILE *fp, const uint8_t *prefix, size_t n_prefix, const char *name,
                    int64_t max_bytes, uint8_t **data, size_t *n, char *err);

#endif
