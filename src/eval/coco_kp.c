/* coco_kp.c — COCO keypoint evaluation (see coco_kp.h for the semantics,
 * which follow pycocotools' cocoeval.py for iouType 'keypoints'). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "eval/coco_kp.h"

#define K ARV_COCO_KP_N
#define NT 10          /* OKS thresholds .50:.05:.95 */
#define NR 101         /* recall points 0:.01:1 */
#define NA 3           /* area ranges: all, medium, large */
#define MAXDET 20

static const double sigmas[K] = {.26, .25, .25, .35, .35, .79, .79, .72, .72,
                                 .62, .62, 1.07, 1.07, .87, .87, .89, .89};
static const double area_rng[NA][2] = {{0, 1e10}, {32.0 * 32, 96.0 * 96}, {96.0 * 96, 1e10}};

typedef struct gt_t {
    long long id, image_id;
    int cat, iscrowd, ignore;
    float kp[3 * K], box[4];
    double area;
} gt_t;

typedef struct dt_t {
    long long image_id;
    int cat;
    float kp[3 * K];
    double score, area;
    size_t seq;            /* order of addition (stable sorts) */
} dt_t;

typedef struct img_t {
    long long id;
    char *file_name;
} img_t;

struct arv_coco_kp {
    img_t *img;
    int n_img;
    gt_t *gt;
    size_t n_gt;
    dt_t *dt;
    size_t n_dt, cap_dt;
    int *cat;
    int n_cat;
};

/* ------------------------------------------------------------ parsing */

static int num(const cJSON *o, const char *key, double *v)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(x))
        return -1;
    *v = x->valuedouble;
    return 0;
}

static int kp_array(const cJSON *a, float *kp)
{
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != 3 * K)
        return -1;
    int i = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, a) {
        if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble))
            return -1;
        kp[i++] = (float)x->valuedouble;
    }
    return 0;
}

static const char *base_name(const char *s)
{
    const char *b = strrchr(s, '/');
    return b ? b + 1 : s;
}

void arv_coco_kp_free(arv_coco_kp *e)
{
    if (!e)
        return;
    for (int i = 0; i < e->n_img; i++)
        free(e->img[i].file_name);
    free(e->img);
    free(e->gt);
    free(e->dt);
    free(e->cat);
    free(e);
}

static int has_cat(const arv_coco_kp *e, int c)
{
    for (int i = 0; i < e->n_cat; i++)
        if (e->cat[i] == c)
            return 1;
    return 0;
}

static int find_image(const arv_coco_kp *e, long long id)
{
    for (int i = 0; i < e->n_img; i++)
        if (e->img[i].id == id)
            return i;
    return -1;
}

int arv_coco_kp_parse_gt(const char *json, arv_coco_kp **out, char *err)
{
    *out = NULL;
    cJSON *root = cJSON_Parse(json);
    if (!root || !cJSON_IsObject(root)) {
        snprintf(err, 256, "not a JSON object (a COCO ground-truth file has images, annotations, "
                           "categories)");
        cJSON_Delete(root);
        return -1;
    }
    arv_coco_kp *e = calloc(1, sizeof *e);
    const cJSON *imgs = cJSON_GetObjectItemCaseSensitive(root, "images");
    const cJSON *anns = cJSON_GetObjectItemCaseSensitive(root, "annotations");
    const cJSON *cats = cJSON_GetObjectItemCaseSensitive(root, "categories");
    if (!e)
        goto oom;
    if (!cJSON_IsArray(imgs) || !cJSON_IsArray(anns)) {
        snprintf(err, 256, "no 'images' or 'annotations' array: not a COCO ground-truth file");
        goto fail;
    }
    int ni = cJSON_GetArraySize(imgs), na = cJSON_GetArraySize(anns),
        nc = cJSON_IsArray(cats) ? cJSON_GetArraySize(cats) : 0;
    e->img = calloc((size_t)ni + 1, sizeof *e->img);
    e->gt = calloc((size_t)na + 1, sizeof *e->gt);
    e->cat = calloc((size_t)nc + (size_t)na + 1, sizeof *e->cat);
    if (!e->img || !e->gt || !e->cat)
        goto oom;
    const cJSON *x;
    cJSON_ArrayForEach(x, imgs) {
        double id;
        const cJSON *fn = cJSON_GetObjectItemCaseSensitive(x, "file_name");
        if (num(x, "id", &id) != 0) {
            snprintf(err, 256, "images[%d]: no numeric 'id'", e->n_img);
            goto fail;
        }
        img_t *im = &e->img[e->n_img++];
        im->id = (long long)id;
        im->file_name = strdup(cJSON_IsString(fn) ? fn->valuestring : "");
        if (!im->file_name)
            goto oom;
    }
    cJSON_ArrayForEach(x, cats) {
        double id;
        if (num(x, "id", &id) == 0 && !has_cat(e, (int)id))
            e->cat[e->n_cat++] = (int)id;
    }
    int ai = 0;
    cJSON_ArrayForEach(x, anns) {
        gt_t *g = &e->gt[e->n_gt];
        double v;
        const cJSON *kp = cJSON_GetObjectItemCaseSensitive(x, "keypoints");
        const cJSON *bb = cJSON_GetObjectItemCaseSensitive(x, "bbox");
        if (!kp) {   /* not a keypoint annotation: skip */
            ai++;
            continue;
        }
        if (kp_array(kp, g->kp) != 0) {
            snprintf(err, 256, "annotations[%d]: 'keypoints' must be %d numbers (COCO's 17 "
                               "keypoints)", ai, 3 * K);
            goto fail;
        }
        if (num(x, "image_id", &v) != 0) {
            snprintf(err, 256, "annotations[%d]: no numeric 'image_id'", ai);
            goto fail;
        }
        g->image_id = (long long)v;
        g->id = num(x, "id", &v) == 0 ? (long long)v : ai + 1;
        g->cat = num(x, "category_id", &v) == 0 ? (int)v : 1;
        g->iscrowd = num(x, "iscrowd", &v) == 0 && v != 0;
        int nk = 0;
        for (int k = 0; k < K; k++)
            nk += g->kp[3 * k + 2] > 0;
        if (num(x, "num_keypoints", &v) == 0)
            nk = (int)v;
        if (!cJSON_IsArray(bb) || cJSON_GetArraySize(bb) != 4) {
            snprintf(err, 256, "annotations[%d]: no 'bbox' [x, y, w, h]", ai);
            goto fail;
        }
        for (int k = 0; k < 4; k++) {
            const cJSON *b = cJSON_GetArrayItem(bb, k);
            if (!cJSON_IsNumber(b)) {
                snprintf(err, 256, "annotations[%d]: 'bbox' must be 4 numbers", ai);
                goto fail;
            }
            g->box[k] = (float)b->valuedouble;
        }
        g->area = num(x, "area", &v) == 0 ? v : (double)g->box[2] * g->box[3];
        /* _prepare: ignore = iscrowd; keypoints: or num_keypoints == 0 */
        g->ignore = g->iscrowd || nk == 0;
        if (find_image(e, g->image_id) < 0) {
            snprintf(err, 256, "annotations[%d]: image_id %lld is not in 'images'", ai,
                     g->image_id);
            goto fail;
        }
        if (!has_cat(e, g->cat))
            e->cat[e->n_cat++] = g->cat;
        e->n_gt++;
        ai++;
    }
    cJSON_Delete(root);
    *out = e;
    return 0;
oom:
    snprintf(err, 256, "out of memory");
fail:
    cJSON_Delete(root);
    arv_coco_kp_free(e);
    return -1;
}

static char *slurp(const char *path, char *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, 256, "%.200s: cannot open", path);
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    while (b) {
        n += fread(b + n, 1, cap - n - 1, fp);
        if (n < cap - 1)
            break;
        char *nb = cap < ((size_t)1 << 31) ? realloc(b, cap * 2) : NULL;
        if (!nb) {
            free(b);
            b = NULL;
            break;
        }
        b = nb;
        cap *= 2;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (!b || bad) {
        free(b);
        snprintf(err, 256, "%.200s: %s", path, bad ? "read error" : "too large");
        return NULL;
    }
    b[n] = 0;
    return b;
}

int arv_coco_kp_load_gt(const char *path, arv_coco_kp **out, char *err)
{
    char e[256];
    char *s = slurp(path, err);
    if (!s)
        return -1;
    int rc = arv_coco_kp_parse_gt(s, out, e);
    free(s);
    if (rc != 0)
        snprintf(err, 256, "%.100s: %.150s", path, e);
    return rc;
}

int arv_coco_kp_num_images(const arv_coco_kp *e)
{
    return e->n_img;
}

int arv_coco_kp_image_id(const arv_coco_kp *e, const char *name, long long *id)
{
    const char *b = base_name(name);
    for (int i = 0; i < e->n_img; i++)
        if (!strcmp(e->img[i].file_name, b) || !strcmp(base_name(e->img[i].file_name), b)) {
            *id = e->img[i].id;
            return 0;
        }
    return -1;
}

int arv_coco_kp_add(arv_coco_kp *e, long long image_id, int category_id, const float kp[3 * K],
                    float score)
{
    if (e->n_dt == e->cap_dt) {
        size_t cap = e->cap_dt ? 2 * e->cap_dt : 256;
        dt_t *d = realloc(e->dt, cap * sizeof *d);
        if (!d)
            return -1;
        e->dt = d, e->cap_dt = cap;
    }
    dt_t *d = &e->dt[e->n_dt];
    d->image_id = image_id;
    d->cat = category_id;
    memcpy(d->kp, kp, sizeof d->kp);
    d->score = score;
    d->seq = e->n_dt;
    /* loadRes: the box of all 17 keypoints */
    float x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (int k = 0; k < K; k++) {
        x0 = fminf(x0, kp[3 * k]), x1 = fmaxf(x1, kp[3 * k]);
        y0 = fminf(y0, kp[3 * k + 1]), y1 = fmaxf(y1, kp[3 * k + 1]);
    }
    d->area = (double)(x1 - x0) * (y1 - y0);
    e->n_dt++;
    return 0;
}

int arv_coco_kp_parse_results(arv_coco_kp *e, const char *json, char *err)
{
    cJSON *root = cJSON_Parse(json);
    if (!cJSON_IsArray(root)) {
        snprintf(err, 256, "not a JSON array of COCO results");
        cJSON_Delete(root);
        return -1;
    }
    int i = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, root) {
        float kp[3 * K];
        double id, cat = 1, score;
        if (num(x, "image_id", &id) != 0 || num(x, "score", &score) != 0 ||
            kp_array(cJSON_GetObjectItemCaseSensitive(x, "keypoints"), kp) != 0) {
            snprintf(err, 256, "result %d: want image_id, score and 51 keypoint numbers", i);
            cJSON_Delete(root);
            return -1;
        }
        num(x, "category_id", &cat);
        if (find_image(e, (long long)id) < 0) {
            /* pycocotools: "Results do not correspond to current coco set" */
            snprintf(err, 256, "result %d: image_id %lld is not in the ground truth", i,
                     (long long)id);
            cJSON_Delete(root);
            return -1;
        }
        if (arv_coco_kp_add(e, (long long)id, (int)cat, kp, (float)score) != 0) {
            snprintf(err, 256, "out of memory");
            cJSON_Delete(root);
            return -1;
        }
        i++;
    }
    cJSON_Delete(root);
    return 0;
}

int arv_coco_kp_load_results(arv_coco_kp *e, const char *path, char *err)
{
    char m[256];
    char *s = slurp(path, err);
    if (!s)
        return -1;
    int rc = arv_coco_kp_parse_results(e, s, m);
    free(s);
    if (rc != 0)
        snprintf(err, 256, "%.100s: %.150s", path, m);
    return rc;
}

/* ------------------------------------------------------------ OKS */

double arv_coco_kp_oks(const float dt[3 * K], const float gt[3 * K], const float bb[4],
                       double area)
{
    int k1 = 0;
    for (int k = 0; k < K; k++)
        k1 += gt[3 * k + 2] > 0;
    /* the box grown by its size on every side, for GT without keypoints */
    double x0 = bb[0] - bb[2], x1 = bb[0] + bb[2] * 2, y0 = bb[1] - bb[3], y1 = bb[1] + bb[3] * 2;
    double sum = 0;
    int n = 0;
    for (int k = 0; k < K; k++) {
        double dx, dy;
        if (k1 > 0) {
            if (!(gt[3 * k + 2] > 0))
                continue;
            dx = (double)dt[3 * k] - gt[3 * k];
            dy = (double)dt[3 * k + 1] - gt[3 * k + 1];
        } else {
            double xd = dt[3 * k], yd = dt[3 * k + 1];
            dx = fmax(0, x0 - xd) + fmax(0, xd - x1);
            dy = fmax(0, y0 - yd) + fmax(0, yd - y1);
        }
        double s = sigmas[k] / 10.0, var = (2 * s) * (2 * s);   /* sigmas / 10.0 */
        double ee = (dx * dx + dy * dy) / var / (area + DBL_EPSILON) / 2;
        sum += exp(-ee);
        n++;
    }
    return n ? sum / n : 0;
}

/* ------------------------------------------------------------ evaluation */

typedef struct rec_t {      /* one kept detection of one image, one area range */
    double score;
    size_t order;           /* concatenation order (stable sort) */
    unsigned char m[NT], ig[NT];
} rec_t;

typedef struct recs_t {
    rec_t *r;
    size_t n, cap;
    long npig;              /* non-ignored GT */
} recs_t;

static int by_score_desc(const void *a, const void *b)
{
    const rec_t *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int dt_by_score(const void *a, const void *b)
{
    const dt_t *x = *(const dt_t *const *)a, *y = *(const dt_t *const *)b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int ll_cmp(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static double thr(int t)
{
    return t == NT - 1 ? 0.95 : 0.5 + t * (0.45 / (NT - 1));   /* np.linspace */
}

static double rthr(int r)
{
    return r == NR - 1 ? 1.0 : r * (1.0 / (NR - 1));
}

typedef struct pck_acc {
    long torso_ok, torso_n, bbox_ok, bbox_n;
    int skipped;
} pck_acc;

/* evaluateImg for one image, one category, one area range: appends the
 * kept detections to rs and counts non-ignored GT; with pck (area 'all'),
 * PCK of the pairs matched at OKS 0.5. */
static int eval_img(gt_t **G, int ng, dt_t **D, int nd, const double *ious, int a, recs_t *rs,
                    size_t *order, pck_acc *pck)
{
    if (ng == 0 && nd == 0)
        return 0;
    int gi[ng + 1], gig[ng + 1];
    /* gtind: non-ignored first, stable */
    int n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int g = 0; g < ng; g++) {
            int ign = G[g]->ignore || G[g]->area < area_rng[a][0] || G[g]->area > area_rng[a][1];
            if (ign == pass) {
                gig[n] = ign;
                gi[n++] = g;
            }
        }
    int gtm[NT][ng + 1], dtm[NT][nd + 1], dig[NT][nd + 1];
    memset(gtm, 0, sizeof gtm);
    for (int t = 0; t < NT; t++)
        for (int d = 0; d < nd; d++)
            dtm[t][d] = -1, dig[t][d] = 0;
    if (ng > 0 && nd > 0)
        for (int t = 0; t < NT; t++)
            for (int d = 0; d < nd; d++) {
                double iou = fmin(thr(t), 1 - 1e-10);
                int m = -1;
                for (int s = 0; s < ng; s++) {
                    const gt_t *g = G[gi[s]];
                    if (gtm[t][s] > 0 && !g->iscrowd)
                        continue;
                    if (m > -1 && gig[m] == 0 && gig[s] == 1)
                        break;
                    double o = ious[(size_t)d * ng + gi[s]];
                    if (o < iou)
                        continue;
                    iou = o;
                    m = s;
                }
                if (m == -1)
                    continue;
                dig[t][d] = gig[m];
                dtm[t][d] = m;
                gtm[t][m] = d + 1;
            }
    for (int s = 0; s < ng; s++)
        rs->npig += gig[s] == 0;
    if (rs->n + (size_t)nd > rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 256;
        while (cap < rs->n + (size_t)nd)
            cap *= 2;
        rec_t *r = realloc(rs->r, cap * sizeof *r);
        if (!r)
            return -1;
        rs->r = r, rs->cap = cap;
    }
    for (int d = 0; d < nd; d++) {
        rec_t *r = &rs->r[rs->n++];
        r->score = D[d]->score;
        r->order = (*order)++;
        int out = D[d]->area < area_rng[a][0] || D[d]->area > area_rng[a][1];
        for (int t = 0; t < NT; t++) {
            r->m[t] = dtm[t][d] >= 0;
            r->ig[t] = dig[t][d] || (dtm[t][d] < 0 && out);
        }
    }
    if (pck)
        for (int s = 0; s < ng; s++) {
            if (gig[s])
                continue;
            const gt_t *g = G[gi[s]];
            const dt_t *d = gtm[0][s] > 0 ? D[gtm[0][s] - 1] : NULL;
            const float *k = g->kp;
            double torso = -1;
            if (k[3 * 5 + 2] > 0 && k[3 * 12 + 2] > 0)   /* left shoulder, right hip */
                torso = hypot((double)k[3 * 5] - k[3 * 12], (double)k[3 * 5 + 1] - k[3 * 12 + 1]);
            double diag = hypot(g->box[2], g->box[3]);
            if (torso <= 0)
                pck->skipped++;
            for (int j = 0; j < K; j++) {
                if (k[3 * j + 2] != 2)
                    continue;
                double dist = d ? hypot((double)d->kp[3 * j] - k[3 * j],
                                        (double)d->kp[3 * j + 1] - k[3 * j + 1])
                                : INFINITY;
                if (torso > 0) {
                    pck->torso_n++;
                    pck->torso_ok += dist <= 0.2 * torso;
                }
                pck->bbox_n++;
                pck->bbox_ok += dist <= 0.2 * diag;
            }
        }
    return 0;
}

static int in_range(const void *arr, size_t n, size_t sz, long long id, size_t *lo, size_t *hi,
                    long long (*key)(const void *))
{
    size_t a = 0, b = n;
    while (a < b) {
        size_t m = (a + b) / 2;
        if (key((const char *)arr + m * sz) < id)
            a = m + 1;
        else
            b = m;
    }
    *lo = a;
    b = n;
    size_t c = a;
    while (c < b) {
        size_t m = (c + b) / 2;
        if (key((const char *)arr + m * sz) <= id)
            c = m + 1;
        else
            b = m;
    }
    *hi = c;
    return 0;
}

static long long gkey(const void *p)
{
    return (*(gt_t *const *)p)->image_id;
}

static long long dkey(const void *p)
{
    return (*(dt_t *const *)p)->image_id;
}

static int gp_cmp(const void *a, const void *b)
{
    const gt_t *x = *(gt_t *const *)a, *y = *(gt_t *const *)b;
    if (x->image_id != y->image_id)
        return x->image_id < y->image_id ? -1 : 1;
    return x < y ? -1 : x > y;
}

static int dp_cmp(const void *a, const void *b)
{
    const dt_t *x = *(dt_t *const *)a, *y = *(dt_t *const *)b;
    if (x->image_id != y->image_id)
        return x->image_id < y->image_id ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static double mean_valid(const double *v, size_t n)
{
    double s = 0;
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] > -1)
            s += v[i], c++;
    return c ? s / c : -1;
}

int arv_coco_kp_eval(const arv_coco_kp *e, const long long *img_ids, int n, arv_coco_kp_stats *st,
                     char *err)
{
    memset(st, 0, sizeof *st);
    int nimg = n > 0 ? n : e->n_img;
    int ncat = e->n_cat ? e->n_cat : 1;
    long long *ids = malloc(((size_t)nimg + 1) * sizeof *ids);
    gt_t **gp = malloc((e->n_gt + 1) * sizeof *gp);
    dt_t **dp = malloc((e->n_dt + 1) * sizeof *dp);
    /* precision[t][r][k][a], recall[t][k][a] */
    double *prec = malloc((size_t)NT * NR * ncat * NA * sizeof *prec);
    double *rec = malloc((size_t)NT * ncat * NA * sizeof *rec);
    recs_t rs[NA];
    memset(rs, 0, sizeof rs);
    double *ious = NULL;
    int rc = -1;
    if (!ids || !gp || !dp || !prec || !rec)
        goto oom;
    for (int i = 0; i < nimg; i++)
        ids[i] = n > 0 ? img_ids[i] : e->img[i].id;
    qsort(ids, (size_t)nimg, sizeof *ids, ll_cmp);   /* np.unique */
    int u = 0;
    for (int i = 0; i < nimg; i++)
        if (i == 0 || ids[i] != ids[u - 1])
            ids[u++] = ids[i];
    nimg = u;
    for (size_t i = 0; i < e->n_gt; i++)
        gp[i] = &e->gt[i];
    for (size_t i = 0; i < e->n_dt; i++)
        dp[i] = &e->dt[i];
    qsort(gp, e->n_gt, sizeof *gp, gp_cmp);
    qsort(dp, e->n_dt, sizeof *dp, dp_cmp);
    for (size_t i = 0; i < (size_t)NT * NR * ncat * NA; i++)
        prec[i] = -1;
    for (size_t i = 0; i < (size_t)NT * ncat * NA; i++)
        rec[i] = -1;
    ious = malloc(sizeof *ious * MAXDET * (e->n_gt + 1));
    gt_t **G = malloc((e->n_gt + 1) * sizeof *G);
    dt_t **D = malloc((e->n_dt + 1) * sizeof *D);
    if (!ious || !G || !D) {
        free(G);
        free(D);
        goto oom;
    }
    pck_acc pck = {0, 0, 0, 0, 0};
    st->n_images = nimg;
    for (int k = 0; k < ncat; k++) {
        int cat = e->n_cat ? e->cat[k] : 1;
        for (int a = 0; a < NA; a++)
            rs[a].n = 0, rs[a].npig = 0;
        size_t order[NA] = {0, 0, 0};
        for (int i = 0; i < nimg; i++) {
            size_t g0, g1, d0, d1;
            in_range(gp, e->n_gt, sizeof *gp, ids[i], &g0, &g1, gkey);
            in_range(dp, e->n_dt, sizeof *dp, ids[i], &d0, &d1, dkey);
            int ng = 0, nd = 0;
            for (size_t j = g0; j < g1; j++)
                if (gp[j]->cat == cat)
                    G[ng++] = gp[j];
            for (size_t j = d0; j < d1; j++)
                if (dp[j]->cat == cat)
                    D[nd++] = dp[j];
            qsort(D, (size_t)nd, sizeof *D, dt_by_score);
            st->n_dt += nd;
            if (nd > MAXDET)
                nd = MAXDET;
            st->n_gt += ng;
            for (int g = 0; g < ng; g++)
                st->n_gt_ignored += G[g]->ignore;
            for (int d = 0; d < nd; d++)
                for (int g = 0; g < ng; g++)
                    ious[(size_t)d * ng + g] = arv_coco_kp_oks(D[d]->kp, G[g]->kp, G[g]->box,
                                                               G[g]->area);
            for (int a = 0; a < NA; a++)
                if (eval_img(G, ng, D, nd, ious, a, &rs[a], &order[a], a == 0 ? &pck : NULL) != 0) {
                    free(G);
                    free(D);
                    goto oom;
                }
        }
        /* accumulate */
        for (int a = 0; a < NA; a++) {
            recs_t *R = &rs[a];
            if (R->npig == 0)
                continue;
            qsort(R->r, R->n, sizeof *R->r, by_score_desc);
            size_t nd = R->n;
            double *rc_ = malloc((nd + 1) * sizeof *rc_), *pr = malloc((nd + 1) * sizeof *pr);
            if (!rc_ || !pr) {
                free(rc_);
                free(pr);
                free(G);
                free(D);
                goto oom;
            }
            for (int t = 0; t < NT; t++) {
                double tp = 0, fp = 0;
                for (size_t i = 0; i < nd; i++) {
                    if (!R->r[i].ig[t]) {
                        tp += R->r[i].m[t];
                        fp += !R->r[i].m[t];
                    }
                    rc_[i] = tp / R->npig;
                    pr[i] = tp / (fp + tp + DBL_EPSILON);
                }
                rec[((size_t)t * ncat + k) * NA + a] = nd ? rc_[nd - 1] : 0;
                for (size_t i = nd; i-- > 1;)
                    if (pr[i] > pr[i - 1])
                        pr[i - 1] = pr[i];
                size_t pi = 0;
                for (int r = 0; r < NR; r++) {
                    double q = 0;
                    while (pi < nd && rc_[pi] < rthr(r))   /* searchsorted, side left */
                        pi++;
                    if (pi < nd)
                        q = pr[pi];
                    else   /* IndexError: the rest stay 0 */
                        q = 0;
                    prec[(((size_t)t * NR + r) * ncat + k) * NA + a] = q;
                }
            }
            free(rc_);
            free(pr);
        }
    }
    free(G);
    free(D);
    /* summarize */
    {
        size_t per_t = (size_t)NR * ncat * NA;
        double *buf = malloc((size_t)NT * per_t * sizeof *buf);
        if (!buf)
            goto oom;
        for (int what = 0; what < 2; what++)
            for (int a = 0; a < NA; a++)
                for (int tsel = 0; tsel < 3; tsel++) {   /* all thresholds, .5, .75 */
                    if (a > 0 && tsel > 0)
                        continue;
                    size_t m = 0;
                    for (int t = 0; t < NT; t++) {
                        if ((tsel == 1 && t != 0) || (tsel == 2 && t != 5))
                            continue;
                        if (what == 0) {
                            for (int r = 0; r < NR; r++)
                                for (int k = 0; k < ncat; k++)
                                    buf[m++] = prec[(((size_t)t * NR + r) * ncat + k) * NA + a];
                        } else {
                            for (int k = 0; k < ncat; k++)
                                buf[m++] = rec[((size_t)t * ncat + k) * NA + a];
                        }
                    }
                    double v = mean_valid(buf, m);
                    double *dst = what == 0 ? (a == 1 ? &st->ap_medium : a == 2 ? &st->ap_large
                                               : tsel == 0 ? &st->ap : tsel == 1 ? &st->ap50
                                               : &st->ap75)
                                            : (a == 1 ? &st->ar_medium : a == 2 ? &st->ar_large
                                               : tsel == 0 ? &st->ar : tsel == 1 ? &st->ar50
                                               : &st->ar75);
                    *dst = v;
                }
        free(buf);
    }
    st->pck_torso = pck.torso_n ? (double)pck.torso_ok / pck.torso_n : -1;
    st->pck_bbox = pck.bbox_n ? (double)pck.bbox_ok / pck.bbox_n : -1;
    st->pck_torso_keypoints = (int)pck.torso_n;
    st->pck_bbox_keypoints = (int)pck.bbox_n;
    st->pck_torso_people_skipped = pck.skipped;
    rc = 0;
    goto done;
oom:
    snprintf(err, 256, "out of memory");
done:
    for (int a = 0; a < NA; a++)
        free(rs[a].r);
    free(ious);
    free(ids);
    free(gp);
    free(dp);
    free(prec);
    free(rec);
    return rc;
}
