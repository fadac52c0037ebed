/* video_in.c — libavformat demuxing, libavcodec decoding, swscale to RGB
 * (see video_in.h). */
#include <stdlib.h>
#include <string.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/pixdesc.h>
#include "media/av_glue.h"
#include "media/convert.h"
#include "media/video_in.h"

struct arv_video_in {
    char name[4096];
    arv_media_limits lim;
    AVFormatContext *fmt;
    AVIOContext *pb;            /* custom I/O, or NULL for a path */
    AVStream *st;
    AVCodecContext *dec;
    AVPacket *pkt;
    AVFrame *frm;
    arv_conv conv;
    arv_video_info info;
    int pkt_pending;            /* pkt holds a packet the decoder refused with EAGAIN */
    int demux_eof, flushed, done, failed;
    int64_t index, corrupt, bad_run;
    int64_t last_pts_us, frame_us;
    char problem[ARV_ERR_LEN];
};

static void set_problem(arv_video_in *v, const char *what, int averr)
{
    char eb[64];
    const char *detail = arv_av_last_error();
    if (!*detail)
        detail = arv_av_errstr(averr, eb);
    snprintf(v->problem, sizeof v->problem, "%.60s: %.150s", what, detail);
    arv_av_clear_error();
}

static void fill_info(arv_video_in *v)
{
    arv_video_info *in = &v->info;
    AVStream *st = v->st;
    in->w = st->codecpar->width;
    in->h = st->codecpar->height;
    AVRational r = st->avg_frame_rate;
    if (r.num <= 0 || r.den <= 0)
        r = st->r_frame_rate;
    if (r.num > 0 && r.den > 0) {
        in->fps_num = r.num;
        in->fps_den = r.den;
        in->fps = av_q2d(r);
    }
    in->nb_frames = st->nb_frames > 0 ? st->nb_frames : 0;
    in->duration_us = -1;
    if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
        in->duration_us = av_rescale_q(st->duration, st->time_base, AV_TIME_BASE_Q);
    else if (v->fmt->duration != AV_NOPTS_VALUE && v->fmt->duration > 0)
        in->duration_us = v->fmt->duration;
    snprintf(in->codec, sizeof in->codec, "%s", v->dec->codec->name);
    snprintf(in->container, sizeof in->container, "%s", v->fmt->iformat->name);
    v->frame_us = in->fps > 0 ? (int64_t)(1e6 / in->fps + 0.5) : 40000;
}

/* Everything after the AVFormatContext exists (v->fmt, maybe v->pb). */
static int open_common(arv_video_in *v, const char *url, const arv_video_in_opts *o, char *err)
{
    char eb[64];
    AVDictionary *opts = NULL;
    /* Plain files only: no network, and for custom I/O nothing at all (a
     * playlist or reference inside the data must not open other files). */
    av_dict_set(&opts, "protocol_whitelist", url ? "file" : "none", 0);
    arv_av_clear_error();
    int ret = avformat_open_input(&v->fmt, url, NULL, &opts);   /* frees fmt on failure */
    av_dict_free(&opts);
    if (ret < 0) {
        arv_err(err, v->name, "not a video libavformat can read (%.60s)",
                 arv_av_errstr(ret, eb));
        return -1;
    }
    if ((ret = avformat_find_stream_info(v->fmt, NULL)) < 0) {
        arv_err(err, v->name, "not a video libavformat can read (%.60s)",
                 arv_av_errstr(ret, eb));
        return -1;
    }
    const AVCodec *codec = NULL;
    int si = av_find_best_stream(v->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (si == AVERROR_STREAM_NOT_FOUND) {
        arv_err(err, v->name, "not a video libavformat can read (no video stream)");
        return -1;
    }
    if (si < 0 || !codec) {
        int idx = si >= 0 ? si : 0;
        const char *cn = v->fmt->nb_streams > (unsigned)idx
                             ? avcodec_get_name(v->fmt->streams[idx]->codecpar->codec_id)
                             : "?";
        arv_err(err, v->name, "no decoder for video codec '%.40s'", cn);
        return -1;
    }
    v->st = v->fmt->streams[si];
    for (unsigned i = 0; i < v->fmt->nb_streams; i++)
        if ((int)i != si)
            v->fmt->streams[i]->discard = AVDISCARD_ALL;
    const AVCodecParameters *par = v->st->codecpar;
    if ((par->width || par->height) &&
        arv_media_check_size(v->name, "video", par->width, par->height, &v->lim, err) != 0)
        return -1;
    if (!(v->dec = avcodec_alloc_context3(codec)) || !(v->pkt = av_packet_alloc()) ||
        !(v->frm = av_frame_alloc())) {
        arv_err(err, v->name, "out of memory");
        return -1;
    }
    if ((ret = avcodec_parameters_to_context(v->dec, par)) < 0) {
        arv_err(err, v->name, "cannot set up decoder (%.60s)",
                 arv_av_errstr(ret, eb));
        return -1;
    }
    v->dec->pkt_timebase = v->st->time_base;
    v->dec->thread_count = o && o->threads > 0 ? o->threads : 0;
    v->dec->max_pixels = v->lim.max_pixels;
    if ((ret = avcodec_open2(v->dec, codec, NULL)) < 0) {
        arv_err(err, v->name, "cannot open %.30s decoder (%.50s)",
                 codec->name, arv_av_errstr(ret, eb));
        return -1;
    }
    fill_info(v);
    v->last_pts_us = ARV_PTS_NONE;
    return 0;
}

static arv_video_in *alloc_reader(const char *name, const arv_video_in_opts *o, char *err)
{
    arv_av_init();
    arv_video_in *v = calloc(1, sizeof *v);
    if (!v || !(v->fmt = avformat_alloc_context())) {
        free(v);
        arv_err(err, name, "out of memory");
        return NULL;
    }
    snprintf(v->name, sizeof v->name, "%s", name);
    v->lim = arv_media_limits_resolve(o ? &o->limits : NULL);
    return v;
}

static int finish_open(arv_video_in *v, const char *url, const arv_video_in_opts *o,
                       arv_video_in **out, char *err)
{
    if (open_common(v, url, o, err) != 0) {
        arv_video_in_close(v);
        *out = NULL;
        return -1;
    }
    *out = v;
    return 0;
}

int arv_video_in_open(const char *path, const arv_video_in_opts *o, arv_video_in **out, char *err)
{
    *out = NULL;
    arv_video_in *v = alloc_reader(path, o, err);
    if (!v)
        return -1;
    return finish_open(v, path, o, out, err);
}

static int open_custom(arv_video_in *v, AVIOContext *pb, const arv_video_in_opts *o,
                       arv_video_in **out, char *err)
{
    if (!pb) {
        arv_err(err, v->name, "out of memory");
        arv_video_in_close(v);
        return -1;
    }
    v->pb = pb;
    v->fmt->pb = pb;
    v->fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
    return finish_open(v, NULL, o, out, err);
}

int arv_video_in_open_mem(const uint8_t *data, size_t n, const char *name,
                          const arv_video_in_opts *o, arv_video_in **out, char *err)
{
    *out = NULL;
    arv_video_in *v = alloc_reader(name, o, err);
    if (!v)
        return -1;
    return open_custom(v, arv_avio_mem_reader(data, n), o, out, err);
}

int arv_video_in_open_stream(FILE *fp, const uint8_t *prefix, size_t n_prefix, const char *name,
                             const arv_video_in_opts *o, arv_video_in **out, char *err)
{
    *out = NULL;
    arv_video_in *v = alloc_reader(name, o, err);
    if (!v)
        return -1;
    return open_custom(v, arv_avio_stream_reader(fp, prefix, n_prefix), o, out, err);
}

const arv_video_info *arv_video_in_info(const arv_video_in *v)
{
    return &v->info;
}

int64_t arv_video_in_corrupt(const arv_video_in *v)
{
    return v->corrupt;
}

const char *arv_video_in_last_problem(const arv_video_in *v)
{
    return v->problem;
}

static int fail(arv_video_in *v, char *err, const char *msg)
{
    v->failed = 1;
    arv_err(err, v->name, "%s", msg);
    return -1;
}

/* A decoded frame in v->frm to RGB in f. */
static int convert(arv_video_in *v, arv_frame *f, char *err)
{
    AVFrame *fr = v->frm;
    if (arv_media_check_size(v->name, "video frame", fr->width, fr->height, &v->lim, err) != 0) {
        v->failed = 1;
        return -1;
    }
    if (arv_image_alloc(&f->img, fr->width, fr->height, 3) != 0)
        return fail(v, err, "out of memory");
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(fr->format);
    int gray = d && (d->nb_components == 1 || (d->nb_components == 2 && (d->flags & AV_PIX_FMT_FLAG_ALPHA)));
    int full = fr->color_range == AVCOL_RANGE_JPEG || (gray && fr->color_range != AVCOL_RANGE_MPEG) ||
               fr->format == AV_PIX_FMT_YUVJ420P || fr->format == AV_PIX_FMT_YUVJ422P ||
               fr->format == AV_PIX_FMT_YUVJ444P || fr->format == AV_PIX_FMT_YUVJ440P ||
               fr->format == AV_PIX_FMT_YUVJ411P;
    arv_planes src = {.w = fr->width, .h = fr->height, .fmt = fr->format};
    for (int i = 0; i < 4; i++) {
        src.data[i] = fr->data[i];
        src.stride[i] = fr->linesize[i];
    }
    if (arv_conv_to_image(&v->conv, &src, &f->img, fr->colorspace, full) != 0) {
        arv_image_free(&f->img);
        v->failed = 1;
        arv_err(err, v->name, "cannot convert pixel format %s to RGB", d ? d->name : "?");
        return -1;
    }
    int64_t ts = fr->best_effort_timestamp;
    if (ts != AV_NOPTS_VALUE)
        f->pts_us = av_rescale_q(ts, v->st->time_base, AV_TIME_BASE_Q);
    else
        f->pts_us = v->last_pts_us == ARV_PTS_NONE ? 0 : v->last_pts_us + v->frame_us;
    v->last_pts_us = f->pts_us;
    f->index = v->index++;
    f->input = 0;
    f->name = v->name;
    return 1;
}

/* Count a bad packet/frame; -1 when there have been too many in a row. */
static int bad(arv_video_in *v, const char *what, int averr, char *err)
{
    v->corrupt++;
    set_problem(v, what, averr);
    if (++v->bad_run > ARV_VIDEO_IN_MAX_BAD_RUN) {
        v->failed = 1;
        arv_err(err, v->name, "more than %d corrupt frames in a row (%.100s)", ARV_VIDEO_IN_MAX_BAD_RUN, v->problem);
        return -1;
    }
    return 0;
}

int arv_video_in_read(arv_video_in *v, arv_frame *f, char *err)
{
    memset(f, 0, sizeof *f);
    if (v->failed) {
        arv_err(err, v->name, "reader already failed");
        return -1;
    }
    for (;;) {
        if (v->done)
            return 0;
        int ret = avcodec_receive_frame(v->dec, v->frm);
        if (ret == 0) {
            if ((v->frm->flags & AV_FRAME_FLAG_CORRUPT) || v->frm->decode_error_flags) {
                av_frame_unref(v->frm);
                if (bad(v, "corrupt frame", AVERROR_INVALIDDATA, err) != 0)
                    return -1;
                continue;
            }
            v->bad_run = 0;
            ret = convert(v, f, err);
            av_frame_unref(v->frm);
            return ret;
        }
        if (ret == AVERROR_EOF) {
            v->done = 1;
            return 0;
        }
        if (ret != AVERROR(EAGAIN)) {
            if (bad(v, "decoding failed", ret, err) != 0)
                return -1;
            if (v->flushed)   /* nothing more will come after a failed drain */
                v->done = 1;
            continue;
        }
        /* The decoder wants input: a packet it refused earlier, or the next one. */
        if (!v->pkt_pending) {
            if (v->demux_eof) {
                if (v->flushed) {
                    v->done = 1;
                    return 0;
                }
                avcodec_send_packet(v->dec, NULL);
                v->flushed = 1;
                continue;
            }
            ret = av_read_frame(v->fmt, v->pkt);
            if (ret == AVERROR_EOF) {
                v->demux_eof = 1;
                continue;
            }
            if (ret < 0) {   /* a broken container: keep what was decoded */
                v->corrupt++;
                set_problem(v, "demuxing failed", ret);
                v->demux_eof = 1;
                continue;
            }
            if (v->pkt->stream_index != v->st->index) {
                av_packet_unref(v->pkt);
                continue;
            }
        }
        ret = avcodec_send_packet(v->dec, v->pkt);
        if (ret == AVERROR(EAGAIN) && !v->pkt_pending) {
            v->pkt_pending = 1;   /* receive first, then send it again */
            continue;
        }
        /* Sent, rejected, or refused twice with nothing to receive in between
         * (a stalled decoder): either way this packet is done. */
        v->pkt_pending = 0;
        av_packet_unref(v->pkt);
        if (ret < 0 && bad(v, ret == AVERROR(EAGAIN) ? "decoder stalled" : "corrupt packet", ret,
                           err) != 0)
            return -1;
    }
}

void arv_video_in_close(arv_video_in *v)
{
    if (!v)
        return;
    avcodec_free_context(&v->dec);
    avformat_close_input(&v->fmt);   /* leaves a custom pb alone */
    arv_avio_free(&v->pb);
    av_packet_free(&v->pkt);
    av_frame_free(&v->frm);
    arv_conv_free(&v->conv);
    free(v);
}
