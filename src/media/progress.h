/* progress.h — a one-line progress display on stderr for the frame loop:
 *
 *   segment [2/5] clip.mp4  frame 120/400  41.3 fps  ETA 0:06
 *
 * Drawn only when enabled (by default: when the stream is a terminal), at
 * most 10 times a second, and erased by arv_progress_end, so piped or
 * redirected stderr never sees it. */
#ifndef ARV_PROGRESS_H
#define ARV_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

typedef struct arv_progress {
    FILE *fp;
    int enabled;
    char label[32];
    double start, last_draw;
    int drawn;
} arv_progress;

/* mode: 0 = auto (enabled when fp is a terminal), 1 = always, -1 = never. */
void arv_progress_init(arv_progress *p, FILE *fp, int mode, const char *label);

/* After each frame: input (0-based) of n_inputs, its name, frames done in
 * it and its known total (0 = unknown), and frames done in the whole run.
 * ETA: from the input's frame count when known, else from the inputs left
 * (still-image batches). */
void arv_progress_update(arv_progress *p, int input, int n_inputs, const char *name,
                         int64_t frame, int64_t total, int64_t run_frames);

/* Erase the line (if anything was drawn). */
void arv_progress_end(arv_progress *p);

/* Monotonic seconds. */
double arv_now(void);

#endif
