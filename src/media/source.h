/* source.h — every frame source behind one call: image files, directories
 * of images, list files, videos, and stdin.
 *
 * Each command-line INPUT is one of
 *   FILE       an image (JPEG/PNG) or a video (anything libavformat reads, or
 *              y4m), told apart by content, not by name;
 *   DIRECTORY  its JPEG/PNG images (by extension or content), sorted by name
 *              (byte order); other files and subdirectories are skipped;
 *   @LIST      a text file with one path per line (blank lines and lines
 *              starting with '#' skipped; relative paths are relative to the
 *              current directory, not to the list); entries may be files or
 *              directories;
 *   -          stdin: a JPEG/PNG image, a y4m stream, or a video libavformat
 *              can read without seeking (the first bytes decide).
 * They are expanded at open into a flat list of inputs (a directory of 3
 * images is 3 inputs); frames carry their input's index and name.
 *
 * Batch mode: a bad input never stops the rest.
 *
 *   arv_source *s;
 *   if (arv_source_open(argv + i, argc - i, &so, &s, err) != 0) exit(2);
 *   arv_frame f;
 *   for (int r; (r = arv_source_next(s, &f, err)) != 0;) {
 *       if (r < 0) { record_failure(arv_source_input(s), err); continue; }
 *       ... f.img, f.pts_us, f.input, f.name ...
 *       arv_image_free(&f.img);
 *   }
 *   arv_source_close(s);
 *
 * Frames are RGB (c = 3). Stills have pts_us = ARV_PTS_NONE and index 0;
 * video frames have the container's timestamps (video_in.h) and count
 * index from 0 within their input. A video that yields no frame at all is
 * a failed input ("no frame could be decoded"). */
#ifndef ARV_SOURCE_H
#define ARV_SOURCE_H

#include <stdint.h>
#include <stdio.h>
#include "media/frame.h"
#include "media/image_io.h"
#include "media/media.h"

typedef struct arv_source_opts {
    int no_exif;              /* 1: ignore EXIF orientation of JPEG stills */
    arv_media_limits limits;  /* size limits for stills and video frames */
    int video_threads;        /* decoder threads per video; 0 = libavcodec's choice */
    FILE *stdin_fp;           /* what "-" reads; NULL = stdin */
} arv_source_opts;

/* What the current input is (valid after arv_source_next returned a frame
 * of it). Unknown numbers are 0 (duration: -1). */
typedef struct arv_source_info {
    int is_video;             /* video file or y4m stream (0: a still image) */
    int w, h;                 /* frame size */
    int fps_num, fps_den;     /* nominal frame rate (videos) */
    double fps;
    int64_t nb_frames;        /* frame count if known (1 for a still) */
    int64_t duration_us;
    char codec[32];           /* "jpeg", "png", "y4m", or the video decoder's name */
    char container[32];       /* demuxer name for videos, "" for stills */
} arv_source_info;

typedef struct arv_source arv_source;

/* Expand the inputs (o may be NULL). Fails only when the list cannot be
 * used at all: no inputs, "-" given twice, out of memory. Inputs that do
 * not exist or cannot be read fail later, one by one, in arv_source_next. */
int arv_source_open(const char *const *inputs, int n, const arv_source_opts *o,
                    arv_source **out, char *err);

/* 1 = a frame (*f filled; the caller owns f->img: arv_image_free it),
 * 0 = all inputs done, -1 = the current input failed (err says why; call
 * again to go on with the next input). A video failing after some frames
 * gives those frames and then -1. */
int arv_source_next(arv_source *s, arv_frame *f, char *err);

/* Abandon the rest of the current input (e.g. its output failed); the next
 * call moves on to the following input. */
void arv_source_skip(arv_source *s);

int arv_source_count(const arv_source *s);                 /* inputs after expansion */
int arv_source_input(const arv_source *s);                 /* input of the last next() */
const char *arv_source_name(const arv_source *s, int input); /* its path, "-" for stdin */
const arv_source_info *arv_source_info_of(const arv_source *s); /* of the current input */

/* Per-input counters, for any input seen so far (0 / "" for others):
 * frames delivered, frames or packets skipped as corrupt, and the last
 * corrupt-frame reason. */
int64_t arv_source_frames(const arv_source *s, int input);
int64_t arv_source_corrupt(const arv_source *s, int input);
const char *arv_source_problem(const arv_source *s, int input);

void arv_source_close(arv_source *s);

#endif
