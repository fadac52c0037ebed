/* flatbuf.h — bounds-checked FlatBuffer access.
 *
 * Every read goes through these helpers; none trusts an offset. A failed
 * check returns 0 / an empty view and the caller turns that into a message.
 * Offsets are uint64 arithmetic, so a hostile uoffset cannot wrap. The
 * encoding is little-endian by definition, so bytes are assembled explicitly
 * and the code is correct on any host.
 */
#ifndef ARV_FLATBUF_H
#define ARV_FLATBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct fb_buf {
    const uint8_t *p;
    uint64_t len;
} fb_buf;

/* A located table: pos of the table, vt of its vtable, sizes validated. */
typedef struct fb_table {
    const fb_buf *b;
    uint64_t pos;
    uint64_t vt;
    uint32_t vt_size;
    uint32_t tbl_size;
} fb_table;

/* A located vector: elements start at data, n elements of elem bytes. */
typedef struct fb_vec {
    uint64_t data;
    uint32_t n;
} fb_vec;

static inline uint16_t fb_u16(const fb_buf *b, uint64_t at)
{
    return (uint16_t)(b->p[at] | (b->p[at + 1] << 8));
}
static inline uint32_t fb_u32(const fb_buf *b, uint64_t at)
{
    return (uint32_t)b->p[at] | ((uint32_t)b->p[at + 1] << 8) |
           ((uint32_t)b->p[at + 2] << 16) | ((uint32_t)b->p[at + 3] << 24);
}
static inline uint64_t fb_u64(const fb_buf *b, uint64_t at)
{
    return (uint64_t)fb_u32(b, at) | ((uint64_t)fb_u32(b, at + 4) << 32);
}
static inline float fb_f32(const fb_buf *b, uint64_t at)
{
    uint32_t u = fb_u32(b, at);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* Locate a table at pos; 0 on any bounds violation. */
int fb_table_at(const fb_buf *b, uint64_t pos, fb_table *t);
/* Root table of the buffer. */
int fb_root(const fb_buf *b, fb_table *t);

/* Absolute position of field id's scalar/offset slot, or 0 if absent.
 * Fails (returns 0 and sets *bad) if the slot does not fit in the table. */
uint64_t fb_field(const fb_table *t, int id, uint32_t size, int *bad);

/* Scalars with defaults; *bad set when the slot overflows the table. */
uint8_t  fb_get_u8(const fb_table *t, int id, uint8_t def, int *bad);
int32_t  fb_get_i32(const fb_table *t, int id, int32_t def, int *bad);
uint32_t fb_get_u32(const fb_table *t, int id, uint32_t def, int *bad);
uint64_t fb_get_u64(const fb_table *t, int id, uint64_t def, int *bad);
float    fb_get_f32(const fb_table *t, int id, float def, int *bad);

/* Reference fields. Return 1 if present and valid, 0 if absent; set *bad
 * if present but out of bounds. */
int fb_get_table(const fb_table *t, int id, fb_table *out, int *bad);
int fb_get_vec(const fb_table *t, int id, uint32_t elem, fb_vec *out, int *bad);
/* String: *s points at the NUL-terminated bytes inside the buffer. */
int fb_get_str(const fb_table *t, int id, const char **s, uint32_t *len, int *bad);
/* Element i of a vector of tables. */
int fb_vec_table(const fb_buf *b, const fb_vec *v, uint32_t i, fb_table *out);

#endif
