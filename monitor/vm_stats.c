/* vm_stats.c — the --stats JSON: counters that prove the mechanism. */
#include "monitor/vm.h"

#include <errno.h>
#include <stdio.h>

int vm_write_stats(const struct vm *vm, FILE *f)
{
    const struct vm_stats *st = &vm->st;
    const struct block_stats *bs = &vm->blocks.stats;
    uint64_t total = st->insns_direct + st->insns_translated + st->insns_emulated;
    bool exact = vm->opts.stats_exact;
    fprintf(f, "{\n");
    /* Without --stats-exact, chained blocks and direct code run unseen: translated counts
     * are a lower bound (dispatcher entries x block length) and direct ones unmeasured. */
    fprintf(f, "  \"counts\": \"%s\",\n", exact ? "exact" : "lower-bound");
    if (exact)
        fprintf(f, "  \"insns_direct\": %llu,\n", (unsigned long long)st->insns_direct);
    else
        fprintf(f, "  \"insns_direct\": null,\n");
    fprintf(f, "  \"insns_translated\": %llu,\n", (unsigned long long)st->insns_translated);
    fprintf(f, "  \"insns_emulated\": %llu,\n", (unsigned long long)st->insns_emulated);
    fprintf(f, "  \"insns_emulated_share\": %.6f,\n",
            total ? (double)st->insns_emulated / (double)total : 0.0);
    fprintf(f, "  \"direct_entries\": %llu,\n", (unsigned long long)st->direct_entries);
    fprintf(f, "  \"seconds_total\": %.3f,\n", st->ns_total / 1e9);
    fprintf(f, "  \"seconds_direct\": %.3f,\n", st->ns_direct / 1e9);
    fprintf(f, "  \"seconds_translated\": %.3f,\n", st->ns_translated / 1e9);
    fprintf(f, "  \"seconds_monitor\": %.3f,\n",
            (st->ns_total - st->ns_direct - st->ns_translated) / 1e9);
    fprintf(f, "  \"translated_entries\": %llu,\n", (unsigned long long)st->translated_entries);
    fprintf(f, "  \"blocks_translated\": %llu,\n", (unsigned long long)bs->translated);
    fprintf(f, "  \"tc_bytes\": %u,\n", vm->tc.used);
    fprintf(f, "  \"tc_lookups\": %llu,\n", (unsigned long long)bs->lookups);
    fprintf(f, "  \"tc_hits\": %llu,\n", (unsigned long long)bs->hits);
    fprintf(f, "  \"chaining\": %s,\n", vm->chaining ? "true" : "false");
    fprintf(f, "  \"chained_exits\": %llu,\n", (unsigned long long)st->chained_exits);
    fprintf(f, "  \"exits\": %llu,\n", (unsigned long long)st->exits);
    /* Indirect branches: RET through its inline cache (a hit is seen only when chaining
     * is off, i.e. with --stats-exact); every other indirect branch is a lookup in the
     * monitor (a miss of the inline path). */
    if (exact)
        fprintf(f, "  \"ibl_hits\": %llu,\n", (unsigned long long)st->ret_ic_hits);
    else
        fprintf(f, "  \"ibl_hits\": null,\n");
    fprintf(f, "  \"ibl_misses\": %llu,\n",
            (unsigned long long)(st->callouts[IC_RET] + st->callouts[IC_JMP_IND] +
                                 st->callouts[IC_CALL_IND]));
    fprintf(f, "  \"invalidations\": %llu,\n", (unsigned long long)st->invalidations);
    fprintf(f, "  \"smc_faults\": %llu,\n", (unsigned long long)st->smc_faults);
    fprintf(f, "  \"tc_flushes\": %llu,\n", (unsigned long long)vm->tc.flushes);
    fprintf(f, "  \"callouts\": {");
    const char *sep = "";
    for (unsigned i = 0; i < IC_COUNT; i++) {
        if (!st->callouts[i])
            continue;
        fprintf(f, "%s\"%s\": %llu", sep, insn_class_name((enum insn_class)i),
                (unsigned long long)st->callouts[i]);
        sep = ", ";
    }
    fprintf(f, "},\n  \"traps\": {");
    sep = "";
    for (unsigned v = 0; v < 32; v++) {
        if (!st->traps_by_vector[v])
            continue;
        fprintf(f, "%s\"vector_%u\": %llu", sep, v, (unsigned long long)st->traps_by_vector[v]);
        sep = ", ";
    }
    fprintf(f, "%s\"syscall\": %llu, \"timer\": %llu, \"irq_gate\": %llu},\n", sep,
            (unsigned long long)st->traps_syscall, (unsigned long long)st->traps_timer,
            (unsigned long long)st->traps_irq_gate);
    fprintf(f, "  \"interrupts\": %llu,\n", (unsigned long long)st->interrupts);
    fprintf(f, "  \"exceptions\": %llu,\n", (unsigned long long)st->exceptions);
    fprintf(f, "  \"shadow_faults_hidden\": %llu,\n", (unsigned long long)st->shadow_faults_hidden);
    fprintf(f, "  \"shadow_faults_guest\": %llu,\n", (unsigned long long)st->shadow_faults_guest);
    fprintf(f, "  \"shadow_maps\": %llu,\n", (unsigned long long)vm->space.counters.maps);
    fprintf(f, "  \"ldt_writes\": %llu\n", (unsigned long long)vm->mirror.ldt_writes);
    fprintf(f, "}\n");
    return fclose(f) == 0 ? 0 : -errno;
}
