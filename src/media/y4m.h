/* y4m.h — YUV4MPEG2 streams (the format `ffmpeg -f yuv4mpegpipe`, x264 and
 * mpv speak) for pipelines: `... | arv segment - -o - | ...`.
 *
 * Reading: 8-bit C420jpeg, C420paldv, C420mpeg2, C420, C422, C444 and Cmono
 * (no C tag means C420jpeg); XCOLORRANGE=FULL selects full range, otherwise
 * limited ("TV") range BT.601 is assumed. Frames become RGB8; frame i gets
 * pts_us = i * 1e6 * F_den / F_num (y4m has no timestamps; no F tag means
 * 25 fps). A last frame cut short counts as corrupt and ends the stream.
 *
 * Writing: C420jpeg (or C444), limited-range BT.601, progressive. */
#ifndef ARV_Y4M_H
#define ARV_Y4M_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "media/frame.h"
#include "media/media.h"

#define ARV_Y4M_MAX_LINE 1024   /* longest stream or frame header accepted */

typedef struct arv_y4m_reader arv_y4m_reader;

/* Start reading from fp. prefix holds n_prefix bytes already taken from fp
 * (e.g. by sniffing; may be NULL/0); the stream must begin with
 * "YUV4MPEG2 ". fp stays open after close. */
int arv_y4m_reader_open(FILE *fp, const uint8_t *prefix, size_t n_prefix, const char *name,
                        const arv_media_limits *lim, arv_y4m_reader **out, char *err);
const arv_video_info *arv_y4m_reader_info(const arv_y4m_reader *r);
/* 1 = frame (f->img RGB, caller frees), 0 = end, -1 = error (err set). */
int arv_y4m_read(arv_y4m_reader *r, arv_frame *f, char *err);
int64_t arv_y4m_reader_corrupt(const arv_y4m_reader *r);
void arv_y4m_reader_close(arv_y4m_reader *r);

typedef struct arv_y4m_writer arv_y4m_writer;

/* Write the stream header for w x h frames at fps_num/fps_den (0/0 means
 * 25/1); chroma is 420 or 444. fp stays open after close. */
int arv_y4m_writer_open(FILE *fp, const char *name, int w, int h, int fps_num, int fps_den,
                        int chroma, arv_y4m_writer **out, char *err);
/* One RGB (c = 3) or RGBA (alpha ignored) frame of the header's size. */
int arv_y4m_write(arv_y4m_writer *w, const arv_image *rgb, char *err);
/* Flushes fp; returns 0, or -1 if anything could not be written. */
int arv_y4m_writer_close(arv_y4m_writer *w, char *err);

#endif
