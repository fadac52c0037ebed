/* model_path.c — model lookup (see model_path.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util/model_path.h"

static int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int try_dir(const char *dir, const char *name, char *out, size_t len)
{
    int has_ext = strlen(name) > 7 && strcmp(name + strlen(name) - 7, ".tflite") == 0;
    snprintf(out, len, "%s/%s%s", dir, name, has_ext ? "" : ".tflite");
    return is_file(out);
}

int arv_find_model(const char *arg, char *out, size_t len)
{
    if (is_file(arg)) {
        snprintf(out, len, "%s", arg);
        return 0;
    }
    if (strchr(arg, '/'))
        return -1;
    const char *env = getenv("ARV_MODELS");
    if (env && *env && try_dir(env, arg, out, len))
        return 0;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            char dir[PATH_MAX + 32];
            snprintf(dir, sizeof dir, "%s/models", exe);
            if (try_dir(dir, arg, out, len))
                return 0;
            snprintf(dir, sizeof dir, "%s/../models", exe);
            if (try_dir(dir, arg, out, len))
                return 0;
            snprintf(dir, sizeof dir, "%s/../share/arv/models", exe);
            if (try_dir(dir, arg, out, len))
                return 0;
        }
    }
    return try_dir("models", arg, out, len) ? 0 : -1;
}
