/* flatbuf.c — bounds-checked FlatBuffer primitives (see flatbuf.h). */
#include "model/flatbuf.h"

int fb_table_at(const fb_buf *b, uint64_t pos, fb_table *t)
{
    if (pos > b->len || b->len - pos < 4)
        return 0;
    int32_t soff = (int32_t)fb_u32(b, pos);
    /* vtable = pos - soff, computed in signed 64-bit to catch both ways */
    int64_t vt = (int64_t)pos - (int64_t)soff;
    if (vt < 0 || (uint64_t)vt > b->len || b->len - (uint64_t)vt < 4)
        return 0;
    uint32_t vsize = fb_u16(b, (uint64_t)vt);
    uint32_t tsize = fb_u16(b, (uint64_t)vt + 2);
    if (vsize < 4 || (vsize & 1) || (uint64_t)vt + vsize > b->len)
        return 0;
    if (tsize < 4 || pos + tsize > b->len)
        return 0;
    t->b = b;
    t->pos = pos;
    t->vt = (uint64_t)vt;
    t->vt_size = vsize;
    t->tbl_size = tsize;
    return 1;
}

int fb_root(const fb_buf *b, fb_table *t)
{
    if (b->len < 8)
        return 0;
    return fb_table_at(b, fb_u32(b, 0), t);
}

uint64_t fb_field(const fb_table *t, int id, uint32_t size, int *bad)
{
    uint32_t slot = 4u + 2u * (uint32_t)id;
    if (slot + 2 > t->vt_size)
        return 0;
    uint32_t off = fb_u16(t->b, t->vt + slot);
    if (off == 0)
        return 0;
    if (off < 4 || (uint64_t)off + size > t->tbl_size) {
        *bad = 1;
        return 0;
    }
    return t->pos + off;
}

uint8_t fb_get_u8(const fb_table *t, int id, uint8_t def, int *bad)
{
    uint64_t at = fb_field(t, id, 1, bad);
    return at ? t->b->p[at] : def;
}

int32_t fb_get_i32(const fb_table *t, int id, int32_t def, int *bad)
{
    uint64_t at = fb_field(t, id, 4, bad);
    return at ? (int32_t)fb_u32(t->b, at) : def;
}

uint32_t fb_get_u32(const fb_table *t, int id, uint32_t def, int *bad)
{
    uint64_t at = fb_field(t, id, 4, bad);
    return at ? fb_u32(t->b, at) : def;
}

uint64_t fb_get_u64(const fb_table *t, int id, uint64_t def, int *bad)
{
    uint64_t at = fb_field(t, id, 8, bad);
    return at ? fb_u64(t->b, at) : def;
}

float fb_get_f32(const fb_table *t, int id, float def, int *bad)
{
    uint64_t at = fb_field(t, id, 4, bad);
    return at ? fb_f32(t->b, at) : def;
}

/* Follow the uoffset stored at slot; the target must leave room for need
 * bytes. Returns 0 on violation. */
static int follow(const fb_buf *b, uint64_t slot, uint64_t need, uint64_t *target)
{
    uint64_t tgt = slot + fb_u32(b, slot);
    if (tgt > b->len || b->len - tgt < need)
        return 0;
    *target = tgt;
    return 1;
}

int fb_get_table(const fb_table *t, int id, fb_table *out, int *bad)
{
    uint64_t at = fb_field(t, id, 4, bad);
    uint64_t tgt;
    if (!at)
        return 0;
    if (!follow(t->b, at, 4, &tgt) || !fb_table_at(t->b, tgt, out)) {
        *bad = 1;
        return 0;
    }
    return 1;
}

static int vec_at(const fb_buf *b, uint64_t tgt, uint32_t elem, fb_vec *out)
{
    uint32_t n = fb_u32(b, tgt);
    uint64_t room = b->len - tgt - 4;
    if (elem && (uint64_t)n > room / elem)
        return 0;
    out->data = tgt + 4;
    out->n = n;
    return 1;
}

int fb_get_vec(const fb_table *t, int id, uint32_t elem, fb_vec *out, int *bad)
{
    uint64_t at = fb_field(t, id, 4, bad);
    uint64_t tgt;
    out->data = 0;
    out->n = 0;
    if (!at)
        return 0;
    if (!follow(t->b, at, 4, &tgt) || !vec_at(t->b, tgt, elem, out)) {
        *bad = 1;
        return 0;
    }
    return 1;
}

int fb_get_str(const fb_table *t, int id, const char **s, uint32_t *len, int *bad)
{
    fb_vec v;
    *s = NULL;
    if (len)
        *len = 0;
    if (!fb_get_vec(t, id, 1, &v, bad))
        return 0;
    /* the terminating NUL must be inside the buffer too */
    if (v.data + v.n >= t->b->len || t->b->p[v.data + v.n] != 0) {
        *bad = 1;
        return 0;
    }
    *s = (const char *)t->b->p + v.data;
    if (len)
        *len = v.n;
    return 1;
}

int fb_vec_table(const fb_buf *b, const fb_vec *v, uint32_t i, fb_table *out)
{
    uint64_t tgt;
    if (i >= v->n)
        return 0;
    return follow(b, v->data + 4ull * i, 4, &tgt) && fb_table_at(b, tgt, out);
}
