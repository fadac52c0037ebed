/* video_in.h — decode any video libavformat/libavcodec can read into RGB8
 * frames with presentation timestamps.
 *
 *   arv_video_in *v;
 *   if (arv_video_in_open("clip.mp4", NULL, &v, err) != 0) { report(err); ... }
 *   arv_frame f;
 *   int r;
 *   while ((r = arv_video_in_read(v, &f, err)) == 1) { use(&f); arv_image_free(&f.img); }
 *   if (r < 0) report(err);
 *   arv_video_in_close(v);
 *
 * Timestamps: f.pts_us is the frame's best-effort timestamp
 * (AVFrame.best_effort_timestamp) in the stream's time_base, converted to
 * microseconds and not shifted (a stream starting at 1.5 s gives 1500000
 * first). A frame without one gets the previous pts plus one frame period.
 *
 * Corrupt data: packets the decoder rejects and frames it flags as corrupt
 * are skipped and counted (arv_video_in_corrupt), not fatal; a demuxer
 * error mid-file ends the stream like EOF (and is counted). Only
 * ARV_VIDEO_IN_MAX_BAD_RUN failures in a row without a good frame, a frame
 * over the size limits, or a pixel format swscale cannot convert stop the
 * read with -1. */
#ifndef ARV_VIDEO_IN_H
#define ARV_VIDEO_IN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "media/frame.h"
#include "media/media.h"

#define ARV_VIDEO_IN_MAX_BAD_RUN 256

typedef struct arv_video_in_opts {
    int threads;              /* decoder threads; 0 = libavcodec's choice */
    arv_media_limits limits;  /* per-frame size limits (0 = defaults) */
} arv_video_in_opts;

typedef struct arv_video_in arv_video_in;

/* Open a file. o may be NULL. Fails with one line such as
 * "notes.mp4: not a video libavformat can read (Invalid data found when
 * processing input)" or "x.mkv: no decoder for video codec 'foo'". */
int arv_video_in_open(const char *path, const arv_video_in_opts *o, arv_video_in **out,
                      char *err);

/* Open from memory (fuzzing, tests); data must outlive the reader. */
int arv_video_in_open_mem(const uint8_t *data, size_t n, const char *name,
                          const arv_video_in_opts *o, arv_video_in **out, char *err);

/* Open a stream that cannot seek (stdin); prefix holds bytes already read
 * from it (e.g. while sniffing). fp stays open after close. */
int arv_video_in_open_stream(FILE *fp, const uint8_t *prefix, size_t n_prefix, const char *name,
                             const arv_video_in_opts *o, arv_video_in **out, char *err);

const arv_video_info *arv_video_in_info(const arv_video_in *v);

/* Next frame: returns 1 and fills *f (f->img is RGB, owned by the caller:
 * arv_image_free it; f->index counts the frames returned so far; f->input
 * is 0 and f->name the reader's name), 0 at the end, -1 on a fatal error
 * (err set; further calls return -1). */
int arv_video_in_read(arv_video_in *v, arv_frame *f, char *err);

/* Frames or packets skipped as corrupt so far, and the last reason
 * ("" if none). */
int64_t arv_video_in_corrupt(const arv_video_in *v);
const char *arv_video_in_last_problem(const arv_video_in *v);

void arv_video_in_close(arv_video_in *v);

#endif
