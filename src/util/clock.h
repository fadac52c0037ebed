/* clock.h — monotonic wall time for timing runs, and a sleep that survives signals. */
#ifndef ARV_CLOCK_H
#define ARV_CLOCK_H

/* Milliseconds on CLOCK_MONOTONIC: only differences mean anything. */
double arv_now_ms(void);
/* Sleep s seconds, resuming after EINTR; nothing for s <= 0 or NaN. */
void arv_sleep_secs(double s);

#endif
