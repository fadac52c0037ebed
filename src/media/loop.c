/* loop.c — the pipelined frame loop (see loop.h). Items (begin-input,
 * frame, end-input, done) flow decode -> process -> output; each stage
 * keeps its own failure state and marks the input's end item failed, so no
 * state is shared but two atomics (skip this input; stop everything). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "media/loop.h"
#include "media/progress.h"
#include "media/queue.h"

typedef enum { IT_BEGIN, IT_FRAME, IT_END, IT_DONE } it_kind;

typedef struct item {
    it_kind kind;
    int input;
    arv_frame f;                /* IT_FRAME */
    void *result;
    arv_source_info info;       /* IT_BEGIN */
    int ok;                     /* IT_END */
    int64_t corrupt;            /* IT_END */
    char msg[ARV_ERR_LEN];      /* IT_END: why it failed, or its last corrupt-frame reason */
} item;

typedef struct loop {
    arv_source *src;
    const arv_loop_ops *ops;
    arv_loop_opts o;
    arv_loop_stats *st;
    int threaded;
    arv_queue q1, q2;
    atomic_int skip_input;      /* an input a later stage gave up on */
    atomic_int fatal;
    pthread_mutex_t fatal_mu;
    /* process stage */
    int p_failed;
    char p_msg[ARV_ERR_LEN];
    /* output stage */
    int o_failed, o_begun, done;
    int o_cur;                  /* input of the last begin item (o_frames counts its frames) */
    char o_msg[ARV_ERR_LEN];
    int64_t o_frames, o_total;
    const char *o_name;
    arv_progress prog;
} loop;

static void set_fatal(loop *L, const char *msg)
{
    pthread_mutex_lock(&L->fatal_mu);
    if (!atomic_load(&L->fatal)) {
        snprintf(L->st->fatal, sizeof L->st->fatal, "%s", *msg ? msg : "stopped");
        atomic_store(&L->fatal, 1);
    }
    pthread_mutex_unlock(&L->fatal_mu);
    if (L->threaded) {
        arv_queue_close(&L->q1);
        arv_queue_close(&L->q2);
    }
}

static void free_item(loop *L, item *it)
{
    if (!it)
        return;
    arv_image_free(&it->f.img);
    if (it->result && L->ops->free_result)
        L->ops->free_result(L->ops->ctx, it->result);
    free(it);
}

static item *new_item(loop *L, it_kind kind, int input)
{
    item *it = calloc(1, sizeof *it);
    if (!it) {
        set_fatal(L, "out of memory");
        return NULL;
    }
    it->kind = kind;
    it->input = input;
    return it;
}

/* A callback's message, or a default naming the input. */
static void take_msg(char *dst, const char *err, const char *name, const char *what)
{
    if (*err)
        snprintf(dst, ARV_ERR_LEN, "%s", err);
    else
        arv_err(dst, name, "%s failed", what);
}

static int output_item(loop *L, item *it);
static int process_item(loop *L, item *it);

/* Hand an item to the next stage; -1 when the run is stopping. */
static int to_process(loop *L, item *it)
{
    if (!L->threaded)
        return process_item(L, it);
    if (arv_queue_push(&L->q1, it) != 0) {
        free_item(L, it);
        return -1;
    }
    return 0;
}

static int to_output(loop *L, item *it)
{
    if (!L->threaded)
        return output_item(L, it);
    if (arv_queue_push(&L->q2, it) != 0) {
        free_item(L, it);
        return -1;
    }
    return 0;
}

/* ---- decode stage ---- */

static int send_end(loop *L, int input, int ok, const char *err)
{
    item *it = new_item(L, IT_END, input);
    if (!it)
        return -1;
    it->ok = ok;
    it->corrupt = arv_source_corrupt(L->src, input);
    snprintf(it->msg, sizeof it->msg, "%s", ok ? arv_source_problem(L->src, input) : err);
    return to_process(L, it);
}

static int send_begin(loop *L, int input)
{
    item *it = new_item(L, IT_BEGIN, input);
    if (!it)
        return -1;
    it->info = *arv_source_info_of(L->src);
    return to_process(L, it);
}

static void decode_stage(loop *L)
{
    char err[ARV_ERR_LEN];
    int cur = -1;   /* input whose begin item went out and whose end did not */
    while (!atomic_load(&L->fatal)) {
        if (cur >= 0 && atomic_load(&L->skip_input) == cur)
            arv_source_skip(L->src);
        item *it = new_item(L, IT_FRAME, -1);
        if (!it)
            return;
        err[0] = 0;
        double t0 = arv_now();
        int r = arv_source_next(L->src, &it->f, err);
        L->st->decode_s += arv_now() - t0;
        int in = arv_source_input(L->src);
        if (r == 1) {
            if (it->f.input != cur) {
                if ((cur >= 0 && send_end(L, cur, 1, "") != 0) || send_begin(L, it->f.input) != 0) {
                    free_item(L, it);
                    return;
                }
                cur = it->f.input;
            }
            it->input = cur;
            if (to_process(L, it) != 0)
                return;
            continue;
        }
        free_item(L, it);
        if (r < 0) {
            if (!*err)
                arv_err(err, arv_source_name(L->src, in), "cannot be read");
            int rc = 0;
            if (cur >= 0 && in != cur)
                rc = send_end(L, cur, 1, "");
            if (rc == 0)
                rc = send_end(L, in, 0, err);
            cur = -1;
            if (rc != 0)
                return;
            continue;
        }
        if (cur >= 0 && send_end(L, cur, 1, "") != 0)
            return;
        item *done = new_item(L, IT_DONE, -1);
        if (done)
            to_process(L, done);
        return;
    }
}

/* ---- process stage ---- */

static int process_item(loop *L, item *it)
{
    if (it->kind == IT_FRAME) {
        int k = it->input;
        if (k == L->p_failed || atomic_load(&L->skip_input) == k) {
            free_item(L, it);
            return 0;
        }
        if (L->ops->process) {
            char err[ARV_ERR_LEN] = "";
            double t0 = arv_now();
            int r = L->ops->process(L->ops->ctx, &it->f, &it->result, err);
            L->st->process_s += arv_now() - t0;
            if (r != ARV_LOOP_OK) {
                take_msg(L->p_msg, err, it->f.name, "processing");
                free_item(L, it);
                if (r == ARV_LOOP_FATAL) {
                    set_fatal(L, L->p_msg);
                    return -1;
                }
                L->p_failed = k;
                atomic_store(&L->skip_input, k);
                return 0;
            }
        }
    } else if (it->kind == IT_END && it->input == L->p_failed) {
        if (it->ok) {   /* the decoder finished it fine; processing did not */
            it->ok = 0;
            snprintf(it->msg, sizeof it->msg, "%s", L->p_msg);
        }
        L->p_failed = -1;
    }
    return to_output(L, it);
}

static void *process_thread(void *arg)
{
    loop *L = arg;
    for (item *it; (it = arv_queue_pop(&L->q1));) {
        int kind = it->kind;
        if (process_item(L, it) != 0 || kind == IT_DONE)
            break;
    }
    return NULL;
}

static void *decode_thread(void *arg)
{
    decode_stage(arg);
    return NULL;
}

/* ---- output stage ---- */

static void add_note(loop *L, int input, int ok, int64_t corrupt, const char *msg)
{
    arv_loop_stats *st = L->st;
    if (st->n_notes % 16 == 0) {
        arv_loop_note *n = realloc(st->notes, sizeof *n * (size_t)(st->n_notes + 16));
        if (!n)
            return;   /* the counts stay right; only the note is lost */
        st->notes = n;
    }
    arv_loop_note *n = &st->notes[st->n_notes++];
    n->input = input;
    n->ok = ok;
    n->frames = L->o_cur == input ? L->o_frames : 0;
    n->corrupt = corrupt;
    snprintf(n->msg, sizeof n->msg, "%s", msg);
}

/* A callback failed for input k: the whole input is lost. */
static int output_failed(loop *L, int r, const char *err, int k, const char *name,
                         const char *what)
{
    take_msg(L->o_msg, err, name, what);
    if (r == ARV_LOOP_FATAL) {
        set_fatal(L, L->o_msg);
        return -1;
    }
    L->o_failed = k;
    atomic_store(&L->skip_input, k);
    return 0;
}

static int end_input(loop *L, item *it)
{
    const int k = it->input;
    const char *name = arv_source_name(L->src, k);
    int ok = it->ok && L->o_failed != k;
    char msg[ARV_ERR_LEN];
    snprintf(msg, sizeof msg, "%s", !it->ok ? it->msg : L->o_failed == k ? L->o_msg : "");
    int rc = 0;
    if (L->o_begun == k) {
        L->o_begun = -1;
        if (L->ops->end_input) {
            char err[ARV_ERR_LEN] = "";
            double t0 = arv_now();
            int r = L->ops->end_input(L->ops->ctx, k, ok, err);
            L->st->emit_s += arv_now() - t0;
            if (r == ARV_LOOP_FATAL) {
                take_msg(msg, err, name, "finishing the output");
                set_fatal(L, msg);
                ok = 0;
                rc = -1;
            } else if (r != ARV_LOOP_OK && ok) {
                take_msg(msg, err, name, "finishing the output");
                ok = 0;
            }
        }
    }
    if (L->o_failed == k)
        L->o_failed = -1;
    L->st->frames_corrupt += it->corrupt;
    if (ok) {
        L->st->inputs_ok++;
        if (it->corrupt > 0) {
            char note[ARV_ERR_LEN];
            arv_err(note, name, "%lld corrupt frame%s skipped%s%.150s%s", (long long)it->corrupt,
                    it->corrupt == 1 ? "" : "s", *it->msg ? " (last: " : "", it->msg,
                    *it->msg ? ")" : "");
            add_note(L, k, 1, it->corrupt, note);
        }
    } else {
        L->st->inputs_failed++;
        add_note(L, k, 0, it->corrupt, *msg ? msg : "failed");
    }
    return rc;
}

static int output_item(loop *L, item *it)
{
    const arv_loop_ops *ops = L->ops;
    const int k = it->input;
    int rc = 0;
    char err[ARV_ERR_LEN] = "";
    double t0 = arv_now();
    switch (it->kind) {
    case IT_BEGIN:
        L->o_frames = 0;
        L->o_cur = k;
        L->o_total = it->info.nb_frames;
        L->o_name = arv_source_name(L->src, k);
        if (ops->begin_input) {
            int r = ops->begin_input(ops->ctx, k, L->o_name, &it->info, err);
            if (r != ARV_LOOP_OK) {
                rc = output_failed(L, r, err, k, L->o_name, "opening the output");
                break;
            }
        }
        L->o_begun = k;
        break;
    case IT_FRAME:
        if (k == L->o_failed)
            break;
        if (ops->emit) {
            int r = ops->emit(ops->ctx, &it->f, it->result, err);
            if (r != ARV_LOOP_OK) {
                rc = output_failed(L, r, err, k, it->f.name, "writing the output");
                break;
            }
        }
        L->o_frames++;
        L->st->frames++;
        arv_progress_update(&L->prog, k, arv_source_count(L->src), L->o_name, L->o_frames,
                            L->o_total, L->st->frames);
        break;
    case IT_END:
        rc = end_input(L, it);
        break;
    case IT_DONE:
        L->done = 1;
        break;
    }
    L->st->emit_s += arv_now() - t0;
    free_item(L, it);
    return rc;
}

/* ---- the run ---- */

static void run_threaded(loop *L)
{
    int depth = L->o.queue_depth > 0 ? L->o.queue_depth : 4;
    if (arv_queue_init(&L->q1, depth) != 0) {
        set_fatal(L, "out of memory");
        return;
    }
    if (arv_queue_init(&L->q2, depth) != 0) {
        arv_queue_destroy(&L->q1);
        set_fatal(L, "out of memory");
        return;
    }
    L->threaded = 1;
    pthread_t td, tp;
    int have_d = pthread_create(&td, NULL, decode_thread, L) == 0;
    int have_p = have_d && pthread_create(&tp, NULL, process_thread, L) == 0;
    if (!have_p)
        set_fatal(L, "cannot start threads");
    while (have_p && !L->done) {
        item *it = arv_queue_pop(&L->q2);
        if (!it || output_item(L, it) != 0)
            break;
    }
    if (!L->done)
        set_fatal(L, "stopped");   /* closes the queues so both threads return */
    if (have_d)
        pthread_join(td, NULL);
    if (have_p)
        pthread_join(tp, NULL);
    for (item *it; (it = arv_queue_try_pop(&L->q1));)
        free_item(L, it);
    for (item *it; (it = arv_queue_try_pop(&L->q2));)
        free_item(L, it);
    arv_queue_destroy(&L->q1);
    arv_queue_destroy(&L->q2);
}

int arv_loop_run(arv_source *src, const arv_loop_ops *ops, const arv_loop_opts *o,
                 arv_loop_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    loop *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(stats->fatal, sizeof stats->fatal, "out of memory");
        return -1;
    }
    L->src = src;
    L->ops = ops;
    if (o)
        L->o = *o;
    L->st = stats;
    L->p_failed = L->o_failed = L->o_begun = L->o_cur = -1;
    atomic_init(&L->skip_input, -1);
    atomic_init(&L->fatal, 0);
    pthread_mutex_init(&L->fatal_mu, NULL);
    arv_progress_init(&L->prog, stderr, L->o.progress, L->o.label);
    double t0 = arv_now();
    if (L->o.sequential)
        decode_stage(L);
    else
        run_threaded(L);
    int fatal = atomic_load(&L->fatal) && !L->done;
    if (fatal && L->o_begun >= 0 && ops->end_input) {   /* let the sink discard its output */
        char err[ARV_ERR_LEN] = "";
        ops->end_input(ops->ctx, L->o_begun, 0, err);
    }
    arv_progress_end(&L->prog);
    stats->seconds = arv_now() - t0;
    stats->fps = stats->seconds > 0 ? (double)stats->frames / stats->seconds : 0;
    pthread_mutex_destroy(&L->fatal_mu);
    free(L);
    return fatal ? -1 : 0;
}

void arv_loop_stats_free(arv_loop_stats *st)
{
    free(st->notes);
    st->notes = NULL;
    st->n_notes = 0;
}
