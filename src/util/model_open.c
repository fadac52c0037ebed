/* model_open.c — see model_open.h. */
#include <stdio.h>
#include "util/model_open.h"
#include "util/model_path.h"

int arv_model_open_arg(const char *arg, char *path, size_t path_len, arv_model **out, char *msg)
{
    char err[ARV_ERR_LEN];
    *out = NULL;
    if (arv_find_model(arg, path, path_len) != 0) {
        snprintf(msg, ARV_MODEL_OPEN_ERR_LEN, "%s: no such file or model name", arg);
        return -1;
    }
    if (arv_model_open(path, NULL, out, err) != ARV_OK) {
        *out = NULL;
        snprintf(msg, ARV_MODEL_OPEN_ERR_LEN, "%s: %s", path, err);
        return -1;
    }
    return 0;
}
