/* frame_json.h — the fields every per-frame JSON line starts with, so that
 * the tasks' outputs (segment, pose, ...) can be joined on them. */
#ifndef ARV_FRAME_JSON_H
#define ARV_FRAME_JSON_H

#include <stdio.h>
#include <cjson/cJSON.h>
#include "media/frame.h"

/* input, frame, pts_us and time_s (null for stills), width, height. */
void arv_frame_json_head(cJSON *o, const arv_frame *in);
/* Number, or null for NaN (JSON has no NaN). */
void arv_json_add_number_or_null(cJSON *o, const char *key, double v);
/* o as one unformatted line on fp, flushed (a consumer may be reading live);
 * frees o. Returns 0, or -1 if it could not be printed. */
int arv_json_print_line(FILE *fp, cJSON *o);

#endif
