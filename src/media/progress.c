/* progress.c — TTY progress line (see progress.h). */
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "media/progress.h"

double arv_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void arv_progress_init(arv_progress *p, FILE *fp, int mode, const char *label)
{
    memset(p, 0, sizeof *p);
    p->fp = fp;
    p->enabled = mode > 0 || (mode == 0 && fp && isatty(fileno(fp)));
    snprintf(p->label, sizeof p->label, "%s", label ? label : "arv");
    p->start = arv_now();
    p->last_draw = -1;
}

static void fmt_time(char *buf, size_t n, double s)
{
    long t = s < 0 ? 0 : (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

void arv_progress_update(arv_progress *p, int input, int n_inputs, const char *name,
                         int64_t frame, int64_t total, int64_t run_frames)
{
    if (!p->enabled)
        return;
    double now = arv_now();
    if (p->last_draw >= 0 && now - p->last_draw < 0.1)
        return;
    p->last_draw = now;
    double el = now - p->start;
    double fps = el > 0 ? (double)run_frames / el : 0;
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    char line[160], eta[24] = "";
    int len = snprintf(line, sizeof line, "%s [%d/%d] %.40s", p->label, input + 1, n_inputs, base);
    if (total > 1 || frame > 1) {
        if (total > 0)
            len += snprintf(line + len, sizeof line - (size_t)len, "  frame %lld/%lld",
                            (long long)frame, (long long)total);
        else
            len += snprintf(line + len, sizeof line - (size_t)len, "  frame %lld",
                            (long long)frame);
    }
    if (len < (int)sizeof line)
        len += snprintf(line + len, sizeof line - (size_t)len, "  %.1f fps", fps);
    double left = -1;
    if (fps > 0 && total > 0 && frame <= total)
        left = (double)(total - frame) / fps;
    else if (fps > 0 && (total == 1 || total == 0) && frame <= 1 && n_inputs > 1)
        left = (double)(n_inputs - input - 1) / fps;
    if (left >= 0) {
        fmt_time(eta, sizeof eta, left);
        if (len < (int)sizeof line)
            snprintf(line + len, sizeof line - (size_t)len, "  ETA %s", eta);
    }
    fprintf(p->fp, "\r%s\033[K", line);
    fflush(p->fp);
    p->drawn = 1;
}

void arv_progress_end(arv_progress *p)
{
    if (p->enabled && p->drawn) {
        fprintf(p->fp, "\r\033[K");
        fflush(p->fp);
    }
    p->drawn = 0;
}
