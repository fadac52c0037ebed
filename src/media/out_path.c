/* out_path.c — see out_path.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "arv.h"
#include "media/out_path.h"

const char *const arv_image_exts[] = {"png", "jpg", "jpeg", NULL};
const char *const arv_video_exts[] = {"mp4", "mov", "mkv", "avi", "webm", "m4v", NULL};

int arv_path_is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int arv_path_has_ext(const char *p, const char *const *exts)
{
    const char *dot = strrchr(p, '.'), *slash = strrchr(p, '/');
    if (!dot || (slash && dot < slash))
        return 0;
    for (; *exts; exts++)
        if (!strcasecmp(dot + 1, *exts))
            return 1;
    return 0;
}

void arv_path_stem(const char *name, char *stem, size_t len)
{
    if (!strcmp(name, "-")) {
        snprintf(stem, len, "stdin");
        return;
    }
    const char *b = strrchr(name, '/');
    b = b ? b + 1 : name;
    snprintf(stem, len, "%s", b);
    char *dot = strrchr(stem, '.');
    if (dot && dot != stem)
        *dot = 0;
}

int arv_path_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

void arv_out_path_join(char *out, size_t len, const char *dir, const char *stem,
                       const char *suffix, const char *ext)
{
    size_t dl = strlen(dir);
    snprintf(out, len, "%s%s%s.%s.%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", stem, suffix, ext);
}

int arv_out_paths_claim(arv_out_paths *u, const char *p, char *err)
{
    for (int i = 0; i < u->n; i++)
        if (!strcmp(u->used[i], p)) {
            snprintf(err, ARV_ERR_LEN, "%.200s: an earlier input wrote this output (same name)", p);
            return -1;
        }
    if (u->n == u->cap) {
        int cap = u->cap ? 2 * u->cap : 16;
        char **v = realloc(u->used, (size_t)cap * sizeof *v);
        if (!v)
            return snprintf(err, ARV_ERR_LEN, "out of memory"), -1;
        u->used = v, u->cap = cap;
    }
    if (!(u->used[u->n] = strdup(p)))
        return snprintf(err, ARV_ERR_LEN, "out of memory"), -1;
    u->n++;
    return 0;
}

void arv_out_paths_free(arv_out_paths *u)
{
    for (int i = 0; i < u->n; i++)
        free(u->used[i]);
    free(u->used);
    u->used = NULL;
    u->n = u->cap = 0;
}
