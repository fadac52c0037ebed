/* cmd.h — what every subcommand front end shares. */
#ifndef ARV_CMD_H
#define ARV_CMD_H

#include <stdio.h>

/* Exit codes (GUIDE §5). */
enum { EXIT_OK = 0, EXIT_SOME_FAILED = 1, EXIT_USAGE = 2, EXIT_MODEL_IO = 3 };

typedef struct arv_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
    void (*usage)(FILE *fp);
} arv_command;

extern const arv_command arv_cmd_inspect, arv_cmd_run, arv_cmd_bench;
extern const arv_command arv_cmd_segment;
extern const arv_command arv_cmd_pose;
extern const arv_command arv_cmd_quantize;

/* "arv NAME: " prefixed one-line error on stderr. */
void cmd_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parse a positive int option value; -1 on error. */
int cmd_parse_int(const char *s, int min, int max);

#endif
