/* frame_json.c — see frame_json.h. */
#include <math.h>
#include <stdlib.h>
#include "media/frame_json.h"

void arv_frame_json_head(cJSON *o, const arv_frame *in)
{
    cJSON_AddStringToObject(o, "input", in->name);
    cJSON_AddNumberToObject(o, "frame", (double)in->index);
    if (in->pts_us != ARV_PTS_NONE) {
        cJSON_AddNumberToObject(o, "pts_us", (double)in->pts_us);
        cJSON_AddNumberToObject(o, "time_s", in->pts_us / 1e6);
    } else {
        cJSON_AddNullToObject(o, "pts_us");
        cJSON_AddNullToObject(o, "time_s");
    }
    cJSON_AddNumberToObject(o, "width", in->img.w);
    cJSON_AddNumberToObject(o, "height", in->img.h);
}

void arv_json_add_number_or_null(cJSON *o, const char *key, double v)
{
    if (isnan(v))
        cJSON_AddNullToObject(o, key);
    else
        cJSON_AddNumberToObject(o, key, v);
}

int arv_json_print_line(FILE *fp, cJSON *o)
{
    char *s = cJSON_PrintUnformatted(o);
    int rc = -1;
    if (s) {
        fputs(s, fp);
        fputc('\n', fp);
        rc = fflush(fp) == 0 ? 0 : -1;
    }
    free(s);
    cJSON_Delete(o);
    return rc;
}
