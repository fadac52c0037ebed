/* inputs.h — internal to src/media/: expand command-line INPUTs (files,
 * directories, @lists, "-") into a flat list of inputs (see source.h for
 * the rules). */
#ifndef ARV_INPUTS_H
#define ARV_INPUTS_H

#include <stdint.h>

typedef struct arv_input {
    char *path;       /* file path, or "-" for stdin */
    char *error;      /* non-NULL: this input already failed ("PATH: problem") */
    int is_stdin;
    int64_t frames, corrupt;  /* counters, filled by the source as it reads */
    char *problem;            /* last corrupt-frame reason (malloc'd), or NULL */
} arv_input;

typedef struct arv_input_list {
    arv_input *v;
    int n, cap;
} arv_input_list;

/* Returns 0, or -1 with err set when the list is unusable (no inputs, "-"
 * twice, out of memory). */
int arv_inputs_expand(const char *const *args, int n, arv_input_list *out, char *err);
void arv_inputs_free(arv_input_list *l);

/* 1 if the name ends in .jpg, .jpeg or .png (any case). */
int arv_has_image_ext(const char *path);

#endif
