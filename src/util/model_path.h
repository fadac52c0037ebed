/* model_path.h — find a model by path or by name. */
#ifndef ARV_MODEL_PATH_H
#define ARV_MODEL_PATH_H

#include <stddef.h>

/* If arg names an existing file, use it. Otherwise treat it as a model name
 * ("pose_landmark_full" or "pose_landmark_full.tflite") and look in
 * $ARV_MODELS, models/ beside the executable, ../share/arv/models beside it
 * (installed layout) and ./models. Returns 0 and fills out on success. */
int arv_find_model(const char *arg, char *out, size_t out_len);

#endif
