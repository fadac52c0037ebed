/* one_euro.c — One Euro filter (see one_euro.h). */
#include <math.h>
#include "track/one_euro.h"

float arv_lowpass_apply(arv_lowpass *f, float v, float alpha)
{
    float s = f->init ? alpha * v + (1.0f - alpha) * f->stored : v;
    f->raw = v;
    f->stored = s;
    f->init = 1;
    return s;
}

arv_one_euro arv_one_euro_make(float freq, float min_cutoff, float beta, float d_cutoff)
{
    arv_one_euro f = {freq, min_cutoff, beta, d_cutoff, {0, 0, 0}, {0, 0, 0}, 0, 0};
    return f;
}

static float alpha_of(float freq, float cutoff)
{
    float te = 1.0f / freq, tau = 1.0f / (2.0f * 3.14159265358979f * cutoff);
    return 1.0f / (1.0f + tau / te);
}

float arv_one_euro_apply(arv_one_euro *f, int64_t t_us, float value_scale, float x)
{
    if (f->has_last) {
        if (t_us <= f->last_us)
            return x;
        f->freq = 1.0f / (float)((t_us - f->last_us) * 1e-6);
    }
    f->last_us = t_us;
    f->has_last = 1;
    float dx = f->x.init ? (x - f->x.raw) * value_scale * f->freq : 0.0f;
    float edx = arv_lowpass_apply(&f->dx, dx, alpha_of(f->freq, f->d_cutoff));
    float cutoff = f->min_cutoff + f->beta * fabsf(edx);
    return arv_lowpass_apply(&f->x, x, alpha_of(f->freq, cutoff));
}
