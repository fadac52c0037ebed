/* inputs.c — expansion of files, directories, @lists and "-" (see
 * inputs.h and source.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "media/inputs.h"
#include "media/media.h"

#define ARV_MAX_INPUTS 10000000   /* a sanity bound on list files and directories */

int arv_has_image_ext(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return 0;
    return !strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg") || !strcasecmp(dot, ".png");
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Append an input; error may be NULL. Returns -1 when out of memory. */
static int add(arv_input_list *l, const char *path, const char *error, int is_stdin)
{
    if (l->n >= ARV_MAX_INPUTS)
        return -1;
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 16;
        arv_input *v = realloc(l->v, sizeof *v * (size_t)cap);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    arv_input *in = &l->v[l->n];
    memset(in, 0, sizeof *in);
    in->is_stdin = is_stdin;
    if (!(in->path = dup_str(path)) || (error && !(in->error = dup_str(error)))) {
        free(in->path);
        return -1;
    }
    l->n++;
    return 0;
}

static int add_error(arv_input_list *l, const char *path, const char *fmt, const char *detail)
{
    char msg[ARV_ERR_LEN];
    arv_err(msg, path, fmt, detail);
    return add(l, path, msg, 0);
}

static int sniffs_as_image(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0;
    uint8_t b[ARV_MEDIA_SNIFF_LEN];
    size_t n = fread(b, 1, sizeof b, fp);
    fclose(fp);
    arv_media_kind k = arv_media_sniff(b, n);
    return k == ARV_MEDIA_JPEG || k == ARV_MEDIA_PNG;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directory's images, sorted by name. */
static int add_dir(arv_input_list *l, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return add_error(l, dir, "cannot read directory: %s", strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    size_t dl = strlen(dir);
    int sep = dl > 0 && dir[dl - 1] != '/';
    for (struct dirent *e; rc == 0 && (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        size_t len = dl + (size_t)sep + strlen(e->d_name) + 1;
        char *p = malloc(len);
        if (!p) {
            rc = -1;
            break;
        }
        snprintf(p, len, "%s%s%s", dir, sep ? "/" : "", e->d_name);
        struct stat st;
        if (stat(p, &st) != 0 || !S_ISREG(st.st_mode) ||
            (!arv_has_image_ext(p) && !sniffs_as_image(p))) {
            free(p);
            continue;
        }
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            char **nv = realloc(names, sizeof *nv * nc);
            if (!nv) {
                free(p);
                rc = -1;
                break;
            }
            names = nv;
            cap = nc;
        }
        names[n++] = p;
    }
    closedir(d);
    if (rc == 0) {
        if (n > 1)
            qsort(names, n, sizeof *names, cmp_str);
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = add(l, names[i], NULL, 0);
        if (rc == 0 && n == 0)
            rc = add_error(l, dir, "%s", "no JPEG or PNG images in this directory");
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

static int add_path(arv_input_list *l, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return add_error(l, path, "%s", strerror(errno));
    if (S_ISDIR(st.st_mode))
        return add_dir(l, path);
    return add(l, path, NULL, 0);
}

static int add_list(arv_input_list *l, const char *arg)
{
    const char *path = arg + 1;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return add_error(l, arg, "cannot read list: %s", strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = 0;
    while (rc == 0 && (len = getline(&line, &cap, fp)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' ||
                           line[len - 1] == ' ' || line[len - 1] == '\t'))
            line[--len] = 0;
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == 0 || *p == '#')
            continue;
        rc = add_path(l, p);
    }
    if (rc == 0 && ferror(fp))
        rc = add_error(l, arg, "read error: %s", strerror(errno));
    free(line);
    fclose(fp);
    return rc;
}

int arv_inputs_expand(const char *const *args, int n, arv_input_list *out, char *err)
{
    memset(out, 0, sizeof *out);
    if (n <= 0) {
        snprintf(err, ARV_ERR_LEN, "no inputs given");
        return -1;
    }
    int stdin_seen = 0;
    for (int i = 0; i < n; i++) {
        const char *a = args[i];
        int rc;
        if (strcmp(a, "-") == 0) {
            if (stdin_seen++) {
                arv_inputs_free(out);
                snprintf(err, ARV_ERR_LEN, "-: stdin can be given only once");
                return -1;
            }
            rc = add(out, "-", NULL, 1);
        } else if (a[0] == '@' && a[1]) {
            rc = add_list(out, a);
        } else {
            rc = add_path(out, a);
        }
        if (rc != 0) {
            arv_inputs_free(out);
            snprintf(err, ARV_ERR_LEN, "out of memory (or more than %d inputs)", ARV_MAX_INPUTS);
            return -1;
        }
    }
    return 0;
}

void arv_inputs_free(arv_input_list *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->v[i].path);
        free(l->v[i].error);
        free(l->v[i].problem);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}
