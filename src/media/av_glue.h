/* av_glue.h — internal to src/media/: what the libav* users (video_in.c,
 * video_out.c, y4m.c) share.
 *
 * libav* logs through av_log() to stderr by default. arv_av_init() installs
 * a callback that prints nothing and keeps the calling thread's last error
 * message instead, so a reader can say why a frame failed. */
#ifndef ARV_AV_GLUE_H
#define ARV_AV_GLUE_H

#include <stdint.h>
#include <stdio.h>
#include <libavformat/avio.h>

/* Once per process (thread-safe); every entry point that touches libav*
 * calls it. */
void arv_av_init(void);

/* The last message of level error or worse logged by libav* on this thread
 * ("" if none since arv_av_clear_error). */
const char *arv_av_last_error(void);
void arv_av_clear_error(void);

/* av_strerror into buf (64 bytes); returns buf. */
const char *arv_av_errstr(int averr, char *buf);

/* Custom I/O. Each returns an AVIOContext whose opaque state is freed by
 * arv_avio_free (not by avio_context_free alone), or NULL when out of
 * memory. */

/* Read (and seek) within [data, data + n); the bytes are not copied and
 * must outlive the context. */
AVIOContext *arv_avio_mem_reader(const uint8_t *data, size_t n);
/* Read a stream that cannot seek (stdin): first the n_prefix bytes already
 * taken from it (copied), then the rest of fp. */
AVIOContext *arv_avio_stream_reader(FILE *fp, const uint8_t *prefix, size_t n_prefix);
/* Write (and seek, as MP4 needs) to fp, which stays open. */
AVIOContext *arv_avio_file_writer(FILE *fp);
/* Flush (writers) and free the context, its buffer and its state; *pb = NULL. */
void arv_avio_free(AVIOContext **pb);

#endif
