/* model_open.h — a model argument (path or name) to an open model, with the
 * one-line reason the front ends print when it fails. */
#ifndef ARV_MODEL_OPEN_H
#define ARV_MODEL_OPEN_H

#include <stddef.h>
#include "arv.h"

/* Room for "PATH: reason" with a 4096-byte path and an ARV_ERR_LEN reason. */
#define ARV_MODEL_OPEN_ERR_LEN (4096 + ARV_ERR_LEN + 8)

/* Resolve arg with arv_find_model into path (path_len bytes) and open it.
 * On failure returns -1, *out is NULL, and msg (ARV_MODEL_OPEN_ERR_LEN bytes)
 * holds "ARG: no such file or model name" or "PATH: reason". */
int arv_model_open_arg(const char *arg, char *path, size_t path_len, arv_model **out, char *msg);

#endif
