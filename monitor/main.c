/* main.c — the bt386 program: parse the command line, build the machine, run it. */
#include "config.h"
#include "monitor/options.h"
#include "monitor/vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    struct options o;
    char err[256];
    if (!options_parse(&o, argc, argv, err, sizeof(err))) {
        fprintf(stderr, "bt386: %s\n", err);
        return 1;
    }
    if (o.help) {
        fputs(options_usage(), stdout);
        return 0;
    }
    if (o.version) {
        printf("bt386 %s\n", PACKAGE_VERSION);
        return 0;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    /* struct vm holds the 64-byte aligned world and a few MiB of tables. */
    struct vm *vm = aligned_alloc(64, (sizeof(struct vm) + 63) & ~(size_t)63);
    if (!vm) {
        fprintf(stderr, "bt386: out of memory\n");
        return 2;
    }
    /* Opened now: once guest code runs, the system-call filter allows no open. */
    FILE *stats = NULL;
    if (o.stats_file && !(stats = fopen(o.stats_file, "w"))) {
        fprintf(stderr, "bt386: cannot write statistics to '%s'\n", o.stats_file);
        free(vm);
        return 1;
    }
    int status = vm_create(vm, &o);
    if (status == 0) {
        status = vm_run(vm);
        if (stats && vm_write_stats(vm, stats) != 0)
            fprintf(stderr, "bt386: cannot write statistics to '%s'\n", o.stats_file);
    } else if (stats) {
        fclose(stats);
    }
    vm_destroy(vm);
    free(vm);
    return status;
}
