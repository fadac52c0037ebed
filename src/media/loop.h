/* loop.h — the frame loop every subcommand runs (segment, pose, gesture,
 * scan, dance-score): frames from a source (source.h) go through a task's
 * `process` and then its `emit`, in order.
 *
 * Threads: by default three stages overlap, connected by small bounded
 * queues (queue_depth frames each):
 *   decode thread     arv_source_next (image decoding, video demux/decode)
 *   inference thread  ops->process    (one frame at a time, in order)
 *   calling thread    ops->begin_input, ops->emit, ops->end_input, progress
 * so `process` may keep per-input state (temporal smoothing, tracking) on
 * its own, and the output callbacks may keep theirs; the two sides share
 * only what the result carries. opts.sequential runs everything on the
 * calling thread, one frame at a time (same calls, same order).
 *
 * Per input, the callbacks see
 *   begin_input (after its first frame is decoded, so info is complete)
 *   process + emit for each frame (frame index 0, 1, ...)
 *   end_input(ok)
 * An input that fails before any frame (missing file, corrupt image) gets
 * no callbacks at all: it is only counted and noted in the stats.
 * `process` sees frame index 0 first for every input: reset per-input
 * state there.
 *
 * Callbacks return ARV_LOOP_OK, ARV_LOOP_INPUT_FAILED (this input is lost:
 * its remaining frames are dropped, end_input(ok = 0) lets the sinks
 * discard partial outputs, the run goes on with the next input) or
 * ARV_LOOP_FATAL (stop the run: arv_loop_run returns -1 after calling
 * end_input(ok = 0) for an input in progress). With either failure err
 * holds "PATH: problem".
 *
 * The frame given to process/emit belongs to the loop (its pixels are freed
 * after emit); `result` belongs to the task and is handed to free_result
 * after emit, or when the frame is dropped (its input failed, the run
 * stopped) — so free_result may run on any of the threads, and also gets a
 * result a failing process left behind. Any callback may be NULL. */
#ifndef ARV_LOOP_H
#define ARV_LOOP_H

#include <stdint.h>
#include "media/frame.h"
#include "media/media.h"
#include "media/source.h"

enum { ARV_LOOP_OK = 0, ARV_LOOP_INPUT_FAILED = -1, ARV_LOOP_FATAL = -2 };

typedef struct arv_loop_ops {
    void *ctx;
    /* Inference thread: turn a frame into a task-defined result. */
    int (*process)(void *ctx, const arv_frame *in, void **result, char *err);
    /* Calling thread, in frame order: write this frame's outputs. */
    int (*emit)(void *ctx, const arv_frame *in, void *result, char *err);
    void (*free_result)(void *ctx, void *result);
    /* Calling thread: open / close per-input sinks (a video writer, ...).
     * end_input gets ok = 0 when the input failed anywhere: discard. */
    int (*begin_input)(void *ctx, int input, const char *name, const arv_source_info *info,
                       char *err);
    int (*end_input)(void *ctx, int input, int ok, char *err);
} arv_loop_ops;

typedef struct arv_loop_opts {
    int sequential;           /* 1: no threads */
    int queue_depth;          /* frames between two stages; 0 = 4 */
    int progress;             /* 0 = on stderr when it is a TTY, 1 = always, -1 = never */
    const char *label;        /* progress line prefix, e.g. "segment" */
} arv_loop_opts;

/* One failed input, or one with corrupt frames skipped (ok = 1). */
typedef struct arv_loop_note {
    int input;
    int ok;
    int64_t frames;           /* frames emitted from it */
    int64_t corrupt;          /* frames/packets its decoder skipped */
    char msg[ARV_ERR_LEN];    /* "PATH: problem" (failures) or "PATH: N corrupt frames
                                 skipped (last: ...)" */
} arv_loop_note;

typedef struct arv_loop_stats {
    int inputs_ok, inputs_failed;
    int64_t frames;           /* frames emitted */
    int64_t frames_corrupt;   /* skipped by decoders, all inputs */
    double seconds;           /* wall time of the run */
    double fps;               /* frames / seconds */
    double decode_s, process_s, emit_s;   /* time spent in each stage's work */
    arv_loop_note *notes;     /* in input order; free with arv_loop_stats_free */
    int n_notes;
    char fatal[ARV_ERR_LEN];  /* why arv_loop_run returned -1 */
} arv_loop_stats;

/* Run until every input is done. Returns 0 (check stats->inputs_failed:
 * the caller prints the notes and exits 1 if any failed), or -1 after a
 * fatal error (stats->fatal). o may be NULL. stats is always filled. */
int arv_loop_run(arv_source *src, const arv_loop_ops *ops, const arv_loop_opts *o,
                 arv_loop_stats *stats);

void arv_loop_stats_free(arv_loop_stats *st);

#endif
