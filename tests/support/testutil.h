/* testutil.h — small helpers every test program shares: where the source
 * tree is, reading a whole file, and temp-file templates that honour TMPDIR. */
#ifndef ARV_TESTUTIL_H
#define ARV_TESTUTIL_H

#include <stddef.h>
#include "util/par.h"

/* The repository root: $ARV_SRCDIR, else "." (make test runs from the root). */
const char *tu_srcdir(void);
/* Whole file, NUL-terminated (so JSON text can be parsed directly); *len
 * (may be NULL) gets the size without the NUL. NULL if it cannot be read. */
char *tu_slurp(const char *path, size_t *len);
/* "$TMPDIR/<prefix>XXXXXX" (TMPDIR defaults to /tmp), ready for mkstemp or
 * mkdtemp. */
void tu_tmp_template(char *buf, size_t len, const char *prefix);

/* Calls fn(path, user) for each .tflite in models/ under the source tree, in
 * name order; returns how many there were (-1: no models directory). */
int tu_each_model(void (*fn)(const char *path, void *user), void *user);
/* The same for the .tflite files of directory sub of the source tree
 * ("models/int8"). */
int tu_each_model_in(const char *sub, void (*fn)(const char *path, void *user), void *user);

/* A range runner (util/par.h) that cuts [0, n) into ranges of 1 to 3
 * items and runs them last first, ignoring min_chunk: code whose result
 * depends on how its rows are split, or that writes outside its range,
 * gives a different answer under it than with a NULL runner. */
extern const arv_par tu_par_scrambled;

#endif
