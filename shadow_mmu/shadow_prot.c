/* shadow_prot.c — the guest-rights → host-protection rule (see shadow_prot.h). */
#include "shadow_mmu/shadow_prot.h"

#include <sys/mman.h>

int shadow_prot(const struct shadow_prot_in *in)
{
    bool user_mode = in->cpl == 3;
    bool may_write;
    int prot;

    if (user_mode) {
        /* CPL 3 needs U/S = 1 at both levels for any access (SDM §4.6). */
        if (!in->user)
            return PROT_NONE;
        prot = PROT_READ | PROT_EXEC;
        may_write = in->writable;
    } else {
        /* Supervisor: reads anywhere; writes to read-only pages only with
         * CR0.WP = 0. No PROT_EXEC: guest kernel code must never run natively. */
        prot = PROT_READ;
        may_write = in->writable || !in->cr0_wp;
    }
    if (may_write && in->dirty && !in->write_protect)
        prot |= PROT_WRITE;
    return prot;
}

int shadow_prot_for_walk(const struct walk_result *w, uint32_t cr0, unsigned cpl,
                         bool write_protect)
{
    if (w->status != WALK_OK)
        return PROT_NONE; /* no translation: nothing may be mapped */
    struct shadow_prot_in in = {
        .user = w->user,
        .writable = w->writable,
        .dirty = w->dirty,
        .cr0_wp = (cr0 & MMU_CR0_WP) != 0,
        .cpl = cpl,
        .write_protect = write_protect,
    };
    return shadow_prot(&in);
}
