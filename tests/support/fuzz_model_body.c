/* fuzz_model_body.c — see fuzz_model_body.h. Uses lib/ internals only to
 * estimate the cost of an invoke before running it. */
#include <string.h>
#include "fuzz_model_body.h"
#include "model/tflite_model.h"
#include "model/tflite_schema.h"

void fm_limits(arv_limits *lim)
{
    memset(lim, 0, sizeof *lim);
    lim->max_file_bytes = (size_t)16 << 20;
    lim->max_tensor_bytes = (size_t)16 << 20;
    lim->max_arena_bytes = (size_t)64 << 20;
    lim->max_tensors = 100000;
    lim->max_ops = 100000;
}

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* Work of one invoke: MACs as the op layer counts them, plus, for pools
 * (which count none), output elements times the window clipped to the
 * input, plus every tensor touched once. Saturates instead of wrapping. */
static uint64_t invoke_work(const arv_model *m)
{
    const arv_graph *g = &m->g;
    uint64_t w = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const arv_node *n = &g->nodes[i];
        if (n->folded)
            continue;
        uint64_t add = n->macs;
        const arv_tensor *out = &g->tensors[n->out[0]].t;
        if ((n->op == TFL_MAX_POOL_2D || n->op == TFL_AVERAGE_POOL_2D) && out->ndim == 4) {
            const arv_tensor *in = &g->tensors[n->in[0]].t;
            uint64_t win = min_u64((uint64_t)n->p.filter_h, (uint64_t)in->dims[1]) *
                           min_u64((uint64_t)n->p.filter_w, (uint64_t)in->dims[2]);
            add += arv_tensor_elems(out) * (win ? win : 1);
        }
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] >= 0)
                add += arv_tensor_elems(&g->tensors[n->in[k]].t);
        add += arv_tensor_elems(out);
        w = add > UINT64_MAX - w ? UINT64_MAX : w + add;
    }
    return w;
}

void fm_run(const uint8_t *data, size_t size, fm_result *r)
{
    static const uint8_t empty[1];
    arv_limits lim;
    arv_model *m = NULL;
    arv_interp *it = NULL;
    memset(r, 0, sizeof *r);
    /* An empty input must reach the loader as "0 bytes", not as NULL. */
    if (!data)
        data = empty;
    r->wide_status = arv_model_open_buffer(data, size, NULL, &m, r->wide_err);
    arv_model_close(m);
    m = NULL;
    fm_limits(&lim);
    r->stage = FM_OPEN;
    r->status = arv_model_open_buffer(data, size, &lim, &m, r->err);
    if (r->status != ARV_OK)
        return;
    arv_options opt = {.num_threads = 1};
    r->stage = FM_INTERP;
    r->status = arv_interp_new(m, &opt, &it, r->err);
    if (r->status == ARV_OK) {
        r->work = invoke_work(m);
        if (r->work <= FM_MAX_WORK) {
            for (int i = 0; i < arv_interp_num_inputs(it); i++) {
                arv_tensor *t = arv_interp_input(it, i);
                if (t->type == ARV_FLOAT32 && t->data)
                    memset(t->data, 0, arv_tensor_elems(t) * sizeof(float));
            }
            r->stage = FM_INVOKE;
            r->status = arv_interp_invoke(it);
            if (r->status != ARV_OK) {
                const char *e = arv_interp_error(it);
                strncpy(r->err, e ? e : "", sizeof r->err - 1);
            } else {
                r->invoked = 1;
                /* Read every output so ASan sees a stray pointer here
                 * rather than in the caller. */
                volatile unsigned char sink = 0;
                for (int i = 0; i < arv_interp_num_outputs(it); i++) {
                    const arv_tensor *t = arv_interp_output(it, i);
                    const unsigned char *p = t->data;
                    for (size_t k = 0; p && k < t->bytes; k++)
                        sink ^= p[k];
                }
                (void)sink;
            }
        }
        if (r->status == ARV_OK)
            r->stage = FM_DONE;
    }
    arv_interp_free(it);
    arv_model_close(m);
}

static const char *contract(arv_status s, const char *err)
{
    if (s == ARV_OK)
        return NULL;
    if (!err[0])
        return "failure without an error message";
    if (!memchr(err, 0, ARV_ERR_LEN))
        return "error message not terminated";
    for (const char *p = err; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return *p == '\n' ? "error message has more than one line"
                              : "error message has a control character";
    return NULL;
}

const char *fm_contract(const fm_result *r)
{
    const char *c = contract(r->status, r->err);
    return c ? c : contract(r->wide_status, r->wide_err);
}
