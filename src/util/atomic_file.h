/* atomic_file.h — write to a temp file beside the target, rename on success,
 * so a failed or interrupted write never leaves a partial output. */
#ifndef ARV_ATOMIC_FILE_H
#define ARV_ATOMIC_FILE_H

#include <stdio.h>

typedef struct arv_atomic_file {
    FILE *fp;
    char path[4096];
    char tmp[4096 + 16];
} arv_atomic_file;

/* err: 256 bytes, "PATH: reason". */
int arv_atomic_open(arv_atomic_file *af, const char *path, char *err);
/* ok = 0 discards the temp file. Returns 0 if the file is in place. */
int arv_atomic_commit(arv_atomic_file *af, int ok, char *err);

#endif
