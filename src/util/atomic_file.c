/* atomic_file.c — temp file + rename (see atomic_file.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util/atomic_file.h"

int arv_atomic_open(arv_atomic_file *af, const char *path, char *err)
{
    memset(af, 0, sizeof *af);
    if (strlen(path) >= sizeof af->path) {
        snprintf(err, 256, "%.200s: path too long", path);
        return -1;
    }
    snprintf(af->path, sizeof af->path, "%s", path);
    snprintf(af->tmp, sizeof af->tmp, "%s.tmpXXXXXX", path);
    int fd = mkstemp(af->tmp);
    if (fd < 0) {
        snprintf(err, 256, "%.200s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    /* mkstemp creates 0600; give the result the mode a plain fopen would
     * (0666 less the umask), so outputs are as readable as the user expects. */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) {
        snprintf(err, 256, "%.200s: cannot set mode: %s", path, strerror(errno));
        close(fd);
        unlink(af->tmp);
        return -1;
    }
    af->fp = fdopen(fd, "wb");
    if (!af->fp) {
        snprintf(err, 256, "%.200s: cannot write: %s", path, strerror(errno));
        close(fd);
        unlink(af->tmp);
        return -1;
    }
    return 0;
}

int arv_atomic_commit(arv_atomic_file *af, int ok, char *err)
{
    int e = 0;
    if (af->fp) {
        if (fflush(af->fp) != 0)
            e = errno, ok = 0;
        if (fclose(af->fp) != 0 && ok)
            e = errno, ok = 0;
        af->fp = NULL;
    }
    if (ok && rename(af->tmp, af->path) != 0)
        e = errno, ok = 0;
    if (!ok) {
        unlink(af->tmp);
        snprintf(err, 256, "%.200s: write failed: %s", af->path, e ? strerror(e) : "I/O error");
        return -1;
    }
    return 0;
}
