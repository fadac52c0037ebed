/* queue.c — bounded pointer FIFO (see queue.h). */
#include <stdlib.h>
#include "media/queue.h"

int arv_queue_init(arv_queue *q, int cap)
{
    q->slot = calloc((size_t)cap, sizeof *q->slot);
    if (!q->slot)
        return -1;
    q->cap = cap;
    q->head = q->count = q->closed = 0;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    pthread_cond_init(&q->not_full, NULL);
    return 0;
}

void arv_queue_destroy(arv_queue *q)
{
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->not_empty);
    pthread_cond_destroy(&q->not_full);
    free(q->slot);
    q->slot = NULL;
}

int arv_queue_push(arv_queue *q, void *item)
{
    pthread_mutex_lock(&q->mu);
    while (q->count == q->cap && !q->closed)
        pthread_cond_wait(&q->not_full, &q->mu);
    int rc = -1;
    if (!q->closed) {
        q->slot[(q->head + q->count) % q->cap] = item;
        q->count++;
        pthread_cond_signal(&q->not_empty);
        rc = 0;
    }
    pthread_mutex_unlock(&q->mu);
    return rc;
}

static void *take(arv_queue *q)
{
    void *item = q->slot[q->head];
    q->head = (q->head + 1) % q->cap;
    q->count--;
    pthread_cond_signal(&q->not_full);
    return item;
}

void *arv_queue_pop(arv_queue *q)
{
    pthread_mutex_lock(&q->mu);
    while (q->count == 0 && !q->closed)
        pthread_cond_wait(&q->not_empty, &q->mu);
    void *item = q->closed ? NULL : take(q);
    pthread_mutex_unlock(&q->mu);
    return item;
}

void *arv_queue_try_pop(arv_queue *q)
{
    pthread_mutex_lock(&q->mu);
    void *item = q->count ? take(q) : NULL;
    pthread_mutex_unlock(&q->mu);
    return item;
}

void arv_queue_close(arv_queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->closed = 1;
    pthread_cond_broadcast(&q->not_empty);
    pthread_cond_broadcast(&q->not_full);
    pthread_mutex_unlock(&q->mu);
}
