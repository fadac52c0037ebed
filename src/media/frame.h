/* frame.h — one frame travelling through the frame loop (GUIDE §1): RGB8
 * pixels plus where it came from and when. Sources fill it; pipelines read
 * it; sinks consume it. */
#ifndef ARV_FRAME_H
#define ARV_FRAME_H

#include <stdint.h>
#include "image/image.h"

#define ARV_PTS_NONE INT64_MIN

typedef struct arv_frame {
    arv_image img;          /* RGB (c = 3), owned by the frame */
    int64_t pts_us;         /* presentation time from the container, microseconds;
                               ARV_PTS_NONE for still images */
    int64_t index;          /* frame number within its input, from 0 */
    int input;              /* index of the input (file) it came from */
    const char *name;       /* that input's path or "-", for messages and output names */
} arv_frame;

#endif
