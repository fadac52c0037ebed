/* names.c — names and sizes of statuses and element types. */
#include "arv.h"

const char *arv_status_name(arv_status s)
{
    switch (s) {
    case ARV_OK: return "ok";
    case ARV_ERR_IO: return "I/O error";
    case ARV_ERR_FORMAT: return "malformed model";
    case ARV_ERR_UNSUPPORTED: return "unsupported";
    case ARV_ERR_SHAPE: return "shape mismatch";
    case ARV_ERR_LIMIT: return "limit exceeded";
    case ARV_ERR_NOMEM: return "out of memory";
    case ARV_ERR_ARG: return "bad argument";
    }
    return "unknown status";
}

const char *arv_dtype_name(arv_dtype t)
{
    switch (t) {
    case ARV_FLOAT32: return "FLOAT32";
    case ARV_FLOAT16: return "FLOAT16";
    case ARV_INT32: return "INT32";
    case ARV_UINT8: return "UINT8";
    case ARV_INT64: return "INT64";
    case ARV_STRING: return "STRING";
    case ARV_BOOL: return "BOOL";
    case ARV_INT16: return "INT16";
    case ARV_INT8: return "INT8";
    case ARV_FLOAT64: return "FLOAT64";
    }
    return "UNKNOWN";
}

size_t arv_dtype_size(arv_dtype t)
{
    switch (t) {
    case ARV_FLOAT32: case ARV_INT32: return 4;
    case ARV_FLOAT16: case ARV_INT16: return 2;
    case ARV_UINT8: case ARV_INT8: case ARV_BOOL: return 1;
    case ARV_INT64: case ARV_FLOAT64: return 8;
    case ARV_STRING: return 0;
    }
    return 0;
}
