/* queue.h — internal to src/media/: a small bounded FIFO of pointers
 * between two threads (pthreads), with close() to wake everyone up when a
 * run stops early. */
#ifndef ARV_QUEUE_H
#define ARV_QUEUE_H

#include <pthread.h>

typedef struct arv_queue {
    pthread_mutex_t mu;
    pthread_cond_t not_empty, not_full;
    void **slot;
    int cap, head, count, closed;
} arv_queue;

int arv_queue_init(arv_queue *q, int cap);   /* 0, or -1 when out of memory */
void arv_queue_destroy(arv_queue *q);        /* items still inside are not freed */
/* Blocks while full. Returns 0, or -1 if the queue is closed (item not taken). */
int arv_queue_push(arv_queue *q, void *item);
/* Blocks while empty. Returns the item, or NULL once closed. */
void *arv_queue_pop(arv_queue *q);
/* Non-blocking pop for draining after close; NULL when empty. */
void *arv_queue_try_pop(arv_queue *q);
void arv_queue_close(arv_queue *q);

#endif
