/* What every example app shares: where iExec's inputs and outputs are (IEXEC_IN, IEXEC_OUT, with
 * the sandbox's defaults), writing a result file, and computed.json naming it (iExec's
 * "deterministic-output-path"). Apps write nothing that depends on time or the host. */
#ifndef IEXEC_APP_H
#define IEXEC_APP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *iexec_dir(const char *variable, const char *fallback) {
    const char *value = getenv(variable);
    return value && *value ? value : fallback;
}

/* Opens $IEXEC_OUT/name for writing; exits 1 with a message on failure. */
static FILE *iexec_open_output(const char *name, char *path, size_t capacity) {
    snprintf(path, capacity, "%s/%s", iexec_dir("IEXEC_OUT", "/iexec_out"), name);
    FILE *file = fopen(path, "wb");
    if (!file) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
    return file;
}

/* Writes $IEXEC_OUT/computed.json naming the result file. */
static void iexec_computed(const char *result_path) {
    char path[4096];
    FILE *file = iexec_open_output("computed.json", path, sizeof path);
    fprintf(file, "{\"deterministic-output-path\":\"%s\"}\n", result_path);
    fclose(file);
}

#endif
