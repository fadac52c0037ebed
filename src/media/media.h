/* media.h — what the media layer's parts share: size limits, the description
 * of a video stream, and sniffing a file's kind from its first bytes.
 *
 * Conventions of src/media/ (every header follows them):
 *   - errors are one line "PATH: problem" written into a caller buffer of
 *     ARV_ERR_LEN (256) bytes; nothing is printed and nothing exits;
 *   - functions return 0 (or a count / 1 for "got one") on success and a
 *     negative value on failure;
 *   - pixels are arv_image (image/image.h), frames arv_frame (media/frame.h). */
#ifndef ARV_MEDIA_H
#define ARV_MEDIA_H

#include <stddef.h>
#include <stdint.h>

#define ARV_ERR_LEN 256

/* Default limits (used wherever a limit field is 0). */
#define ARV_MEDIA_DEFAULT_MAX_DIM 16384              /* width or height, pixels */
#define ARV_MEDIA_DEFAULT_MAX_PIXELS 100000000LL     /* width * height */

/* Limits on decoded pictures; checked before any pixel buffer is allocated.
 * A zero field means the default above. */
typedef struct arv_media_limits {
    int max_dim;
    int64_t max_pixels;
} arv_media_limits;

/* Write "NAME: message" into err (ARV_ERR_LEN bytes): a long name is cut
 * from the left so the message survives, and line breaks become spaces. */
void arv_err(char *err, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fill in defaults for zero fields (lim may be NULL: all defaults). */
arv_media_limits arv_media_limits_resolve(const arv_media_limits *lim);

/* Check w x h against the limits; on failure writes
 * "NAME: image is WxH, over the ... limit" and returns -1. `what` names the
 * thing ("image", "video"). */
int arv_media_check_size(const char *name, const char *what, int64_t w, int64_t h,
                         const arv_media_limits *lim, char *err);

/* A video stream as the readers (video_in.h, y4m.h) see it. Unknown values
 * are 0 (fps, nb_frames) or -1 (duration_us). */
typedef struct arv_video_info {
    int w, h;                 /* coded picture size (frames are converted to RGB at it) */
    int fps_num, fps_den;     /* nominal frame rate as a fraction, 0/0 if unknown */
    double fps;               /* the same as a number, 0 if unknown */
    int64_t nb_frames;        /* frame count from the container header, 0 if unknown */
    int64_t duration_us;      /* -1 if unknown */
    char codec[32];           /* decoder name ("mpeg4", "h264", "y4m", ...) */
    char container[32];       /* demuxer name ("avi", "mov,mp4,...", "yuv4mpegpipe") */
} arv_video_info;

/* What a file holds, judged from its first bytes (never from its name). */
typedef enum arv_media_kind {
    ARV_MEDIA_UNKNOWN = 0,    /* not an image we decode: maybe a video, maybe junk */
    ARV_MEDIA_JPEG,           /* FF D8 FF */
    ARV_MEDIA_PNG,            /* 89 'PNG' 0D 0A 1A 0A */
    ARV_MEDIA_Y4M,            /* "YUV4MPEG2 " */
} arv_media_kind;

/* Bytes needed to tell the kinds apart. */
#define ARV_MEDIA_SNIFF_LEN 10

arv_media_kind arv_media_sniff(const uint8_t *buf, size_t n);

#endif
