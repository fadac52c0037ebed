/* testutil.c — see testutil.h. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "support/testutil.h"

const char *tu_srcdir(void)
{
    const char *s = getenv("ARV_SRCDIR");
    return s && *s ? s : ".";
}

char *tu_slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *buf = NULL;
    long n = -1;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0)
        buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    if (buf) {
        buf[n] = 0;
        if (len)
            *len = (size_t)n;
    }
    return buf;
}

int tu_each_model(void (*fn)(const char *path, void *user), void *user)
{
    return tu_each_model_in("models", fn, user);
}

int tu_each_model_in(const char *sub, void (*fn)(const char *path, void *user), void *user)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", tu_srcdir(), sub);
    struct dirent **e;
    int n = scandir(dir, &e, NULL, alphasort), models = 0;
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(e[i]->d_name);
        if (len > 7 && strcmp(e[i]->d_name + len - 7, ".tflite") == 0) {
            char path[2048];
            snprintf(path, sizeof path, "%s/%s", dir, e[i]->d_name);
            fn(path, user);
            models++;
        }
        free(e[i]);
    }
    free(e);
    return models;
}

void tu_tmp_template(char *buf, size_t len, const char *prefix)
{
    const char *dir = getenv("TMPDIR");
    snprintf(buf, len, "%s/%sXXXXXX", dir && *dir ? dir : "/tmp", prefix);
}

static void scrambled_run(void *self, int n, int min_chunk, arv_par_fn fn, void *ctx)
{
    (void)self, (void)min_chunk;
    for (int e = n, k = 0; e > 0; k++) {
        int len = 1 + k % 3, b = e - len < 0 ? 0 : e - len;
        fn(ctx, b, e);
        e = b;
    }
}

const arv_par tu_par_scrambled = {scrambled_run, NULL};
