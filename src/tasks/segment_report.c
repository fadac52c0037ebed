/* segment_report.c — see segment_report.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "media/frame_json.h"
#include "tasks/segment_report.h"

arv_seg_eval_row *arv_seg_eval_add(arv_seg_eval_table *t, const char *name)
{
    if (t->n == t->cap) {
        int cap = t->cap ? 2 * t->cap : 16;
        arv_seg_eval_row *v = realloc(t->rows, (size_t)cap * sizeof *v);
        if (!v)
            return NULL;
        t->rows = v, t->cap = cap;
    }
    arv_seg_eval_row *r = &t->rows[t->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    return r;
}

void arv_seg_eval_table_free(arv_seg_eval_table *t)
{
    free(t->rows);
    t->rows = NULL;
    t->n = t->cap = 0;
}

/* GT_DIR/<stem>{,_class,_mask,.mask,_gt}.png: the first that exists. */
int arv_seg_find_gt(const char *dir, const char *stem, char *path, size_t len)
{
    static const char *const tails[] = {"", "_class", "_mask", ".mask", "_gt"};
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        snprintf(path, len, "%s/%s%s.png", dir, stem, tails[i]);
        if (access(path, R_OK) == 0)
            return 0;
    }
    return -1;
}

void arv_seg_eval_report(FILE *fp, const arv_seg_eval_table *t, int json)
{
    arv_seg_counts total = {0};
    double sum = 0;
    int n = 0;
    for (int i = 0; i < t->n; i++) {
        const arv_seg_eval_row *r = &t->rows[i];
        if (!r->is_video && r->has_gt) {
            arv_seg_counts_add(&total, &r->counts);
            double v = arv_seg_iou(&r->counts);
            if (!isnan(v))
                sum += v, n++;
        }
    }
    if (json) {
        cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "eval");
        int with_gt = 0;
        for (int i = 0; i < t->n; i++)
            with_gt += !t->rows[i].is_video && t->rows[i].has_gt;
        cJSON_AddNumberToObject(e, "images", with_gt);
        cJSON_AddNumberToObject(e, "threshold", 0.5);
        arv_json_add_number_or_null(e, "mean_iou", n ? sum / n : NAN);
        arv_json_add_number_or_null(e, "dataset_iou", arv_seg_iou(&total));
        arv_json_add_number_or_null(e, "dataset_iou_background", arv_seg_iou_bg(&total));
        arv_json_add_number_or_null(e, "miou", arv_seg_miou(&total));
        cJSON *vids = cJSON_AddArrayToObject(e, "videos");
        for (int i = 0; i < t->n; i++)
            if (t->rows[i].is_video) {
                cJSON *v = cJSON_CreateObject();
                cJSON_AddStringToObject(v, "input", t->rows[i].name);
                cJSON_AddNumberToObject(v, "frames", (double)t->rows[i].frames);
                arv_json_add_number_or_null(v, "flicker", t->rows[i].flicker);
                cJSON_AddItemToArray(vids, v);
            }
        arv_json_print_line(fp, o);
        return;
    }
    fprintf(fp, "%-40s %8s %10s %10s %10s\n", "image", "IoU", "tp", "fp", "fn");
    for (int i = 0; i < t->n; i++) {
        const arv_seg_eval_row *r = &t->rows[i];
        if (r->is_video)
            continue;
        if (!r->has_gt) {
            fprintf(fp, "%-40s %8s\n", r->name, "no-gt");
            continue;
        }
        fprintf(fp, "%-40s %8.4f %10llu %10llu %10llu\n", r->name, arv_seg_iou(&r->counts),
               (unsigned long long)r->counts.tp, (unsigned long long)r->counts.fp,
               (unsigned long long)r->counts.fn);
    }
    if (n) {
        fprintf(fp, "mean IoU over %d image(s)                 %8.4f\n", n, sum / n);
        fprintf(fp, "dataset IoU (person, pixels summed)      %8.4f\n", arv_seg_iou(&total));
        fprintf(fp, "dataset mIoU (background + person)       %8.4f\n", arv_seg_miou(&total));
    }
    for (int i = 0; i < t->n; i++)
        if (t->rows[i].is_video)
            fprintf(fp, "%-40s flicker %.5f over %lld frames\n", t->rows[i].name, t->rows[i].flicker,
                   (long long)t->rows[i].frames);
}
