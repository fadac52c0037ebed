/* out_path.h — naming the files a task writes from the input it read:
 * OUTDIR/<stem>.<suffix>.<ext>, a guard against writing over the input, and
 * a record of the paths already written so that two inputs with the same
 * stem do not silently replace each other's output. Shared by the frame
 * tasks (segment, pose, ...). */
#ifndef ARV_OUT_PATH_H
#define ARV_OUT_PATH_H

#include <stddef.h>

/* Extensions, NULL-terminated, that arv reads and writes as stills / videos. */
extern const char *const arv_image_exts[];
extern const char *const arv_video_exts[];

/* 1 if p is an existing directory. */
int arv_path_is_dir(const char *p);
/* 1 if p's last component ends in .EXT for one of exts (case-insensitive). */
int arv_path_has_ext(const char *p, const char *const *exts);
/* The input's base name without directory and extension ("-" -> "stdin"). */
void arv_path_stem(const char *name, char *stem, size_t len);
/* 1 if a and b both exist and are the same file (writing one replaces the other). */
int arv_path_same_file(const char *a, const char *b);
/* DIR/STEM.SUFFIX.EXT, without doubling a '/' that ends dir. */
void arv_out_path_join(char *out, size_t len, const char *dir, const char *stem,
                       const char *suffix, const char *ext);

/* The output paths written so far in one run. */
typedef struct arv_out_paths {
    char **used;
    int n, cap;
} arv_out_paths;

/* Record p; -1 with a reason in err (ARV_ERR_LEN bytes) if an earlier input
 * already wrote it, or on out of memory. */
int arv_out_paths_claim(arv_out_paths *u, const char *p, char *err);
void arv_out_paths_free(arv_out_paths *u);

#endif
