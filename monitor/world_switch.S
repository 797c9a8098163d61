/* world_switch.S — crossing between 64-bit monitor code and 32-bit guest code.
 *
 * Into the guest: IRETQ, which loads SS:RSP, RFLAGS and CS:RIP at once; CS is a
 * 32-bit host LDT code selector, so the CPU continues in compatibility mode.
 * Out of the guest: either a far call from translated code through the callout
 * trampoline (no kernel involved), or a host signal whose handler rewrites the
 * ucontext to "return" into world_exit_stub. Every path into C restores the host
 * FS base first (glibc's TLS, DESIGN.md hazard 2) and saves the guest's extended
 * state (hazard 3). */
#include "monitor/world.h"

    .text

/* uint32_t world_enter(struct world *w) */
    .globl world_enter
    .type world_enter, @function
world_enter:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, WORLD_HOST_RSP(%rdi)
    mov %rdi, world_current(%rip)
    movl $WORLD_EXIT_NONE, WORLD_EXIT(%rdi)
    /* The guest's x87/SSE/AVX state goes back into the registers. */
    mov WORLD_XSAVE_MASK(%rdi), %eax
    mov WORLD_XSAVE_MASK+4(%rdi), %edx
    xrstor64 WORLD_XSAVE(%rdi)
    /* IRETQ frame. At CPL 3 IRETQ silently keeps IF and IOPL; NT must be clear in
     * IA-32e mode (SDM Vol. 2A IRET), so the guest's virtual IF/IOPL/NT live elsewhere. */
    movzwl WORLD_SS(%rdi), %eax
    push %rax
    mov WORLD_GPR+4*GPR_ESP(%rdi), %eax
    push %rax
    mov WORLD_EFLAGS(%rdi), %eax
    and $~0x4000, %eax
    or $0x200, %eax
    push %rax
    movzwl WORLD_CS(%rdi), %eax
    push %rax
    mov WORLD_EIP(%rdi), %eax
    push %rax
    mov WORLD_DS(%rdi), %ds
    mov WORLD_ES(%rdi), %es
    mov WORLD_FS(%rdi), %fs
    mov WORLD_GS(%rdi), %gs
    /* Syscalls from here on are the guest's: Syscall User Dispatch turns them into SIGSYS. */
    movb $1, sud_selector(%rip)
    mov WORLD_GPR+4*GPR_EAX(%rdi), %eax
    mov WORLD_GPR+4*GPR_ECX(%rdi), %ecx
    mov WORLD_GPR+4*GPR_EDX(%rdi), %edx
    mov WORLD_GPR+4*GPR_EBX(%rdi), %ebx
    mov WORLD_GPR+4*GPR_EBP(%rdi), %ebp
    mov WORLD_GPR+4*GPR_ESI(%rdi), %esi
    mov WORLD_GPR+4*GPR_EDI(%rdi), %edi
    iretq
    .size world_enter, . - world_enter

/* Entered in 64-bit mode from a callout stub (monitor/world.h, world_site_tail): the
 * guest's RAX is in callout_scratch, EAX holds the site number, every other GPR and
 * RSP (= the guest ESP) are the guest's. Nothing here touches the guest stack. */
    .globl world_callout_entry
    .type world_callout_entry, @function
world_callout_entry:
    movb $0, sud_selector(%rip)
    /* Only MOV and LEA until EFLAGS is saved: they leave the guest's flags alone. */
    mov %rcx, callout_scratch2(%rip)
    mov world_current(%rip), %rcx
    mov %eax, WORLD_CALLOUT_SITE(%rcx)
    mov %edx, WORLD_GPR+4*GPR_EDX(%rcx)
    mov %ebx, WORLD_GPR+4*GPR_EBX(%rcx)
    mov %ebp, WORLD_GPR+4*GPR_EBP(%rcx)
    mov %esi, WORLD_GPR+4*GPR_ESI(%rcx)
    mov %edi, WORLD_GPR+4*GPR_EDI(%rcx)
    mov %esp, WORLD_GPR+4*GPR_ESP(%rcx)
    mov WORLD_HOST_RSP(%rcx), %rsp
    lea -128(%rsp), %rsp            /* below world_enter's saved registers */
    pushfq
    pop %rax
    mov %eax, WORLD_EFLAGS(%rcx)
    push $2                         /* monitor code runs without the guest's AC, DF, TF */
    popfq
    and $-16, %rsp
    mov callout_scratch(%rip), %rax
    mov %eax, WORLD_GPR+4*GPR_EAX(%rcx)
    mov callout_scratch2(%rip), %rax
    mov %eax, WORLD_GPR+4*GPR_ECX(%rcx)
    mov %rcx, %rbx
    rdfsbase %rcx
    mov %rcx, WORLD_GUEST_FSBASE(%rbx)
    mov WORLD_HOST_FSBASE(%rbx), %rcx
    wrfsbase %rcx
    mov WORLD_XSAVE_MASK(%rbx), %eax
    mov WORLD_XSAVE_MASK+4(%rbx), %edx
    xsave64 WORLD_XSAVE(%rbx)
    cld
    mov %rbx, %rdi
    call *world_callout_handler(%rip)
    test %eax, %eax
    jnz world_callout_exit
    /* Resume the guest at callout_cs:callout_eip with the (possibly changed) state. */
    mov %rbx, %rdi
    mov WORLD_XSAVE_MASK(%rdi), %eax
    mov WORLD_XSAVE_MASK+4(%rdi), %edx
    xrstor64 WORLD_XSAVE(%rdi)
    mov WORLD_DS(%rdi), %ds
    mov WORLD_ES(%rdi), %es
    mov WORLD_FS(%rdi), %fs
    mov WORLD_GS(%rdi), %gs
    mov WORLD_CALLOUT_RET(%rdi), %eax
    mov %eax, callout_resume(%rip)
    mov WORLD_CALLOUT_RET+4(%rdi), %eax
    mov %ax, callout_resume+4(%rip)
    mov WORLD_EFLAGS(%rdi), %eax
    and $~0x4000, %eax
    push %rax
    mov WORLD_GPR+4*GPR_EAX(%rdi), %eax
    mov WORLD_GPR+4*GPR_ECX(%rdi), %ecx
    mov WORLD_GPR+4*GPR_EDX(%rdi), %edx
    mov WORLD_GPR+4*GPR_EBX(%rdi), %ebx
    mov WORLD_GPR+4*GPR_EBP(%rdi), %ebp
    mov WORLD_GPR+4*GPR_ESI(%rdi), %esi
    popfq
    movb $1, sud_selector(%rip)
    mov WORLD_GPR+4*GPR_ESP(%rdi), %esp
    mov WORLD_GPR+4*GPR_EDI(%rdi), %edi
    ljmpl *callout_resume(%rip)     /* m16:32: back to compatibility mode */
world_callout_exit:
    movl $WORLD_EXIT_CALLOUT, WORLD_EXIT(%rbx)
    mov WORLD_HOST_RSP(%rbx), %rsp
    jmp world_return
    .size world_callout_entry, . - world_callout_entry

/* The RET inline cache missed (translated kernel code, flat 32-bit stack): look the
 * return address up in the world's table and continue in its block, without the
 * monitor's C code. r10 = bytes to pop, r11 = the site's normal stub. Only MOV, MOVZX,
 * LEA and JRCXZ: the guest's flags stay intact; r8-r14 are not guest state. */
    .globl world_ret_ibl
    .type world_ret_ibl, @function
world_ret_ibl:
    mov %rcx, %r14                  /* the guest's ECX */
    mov world_current(%rip), %r13
    mov WORLD_IBL_TABLE(%r13), %rcx
    jrcxz 2f                        /* no table (CS not flat, exact counting): the monitor */
    mov %rcx, %r13
    mov %esp, %r8d
    mov (%r8), %r9d                 /* the return address (its slot was just accessed) */
    movzwl %r9w, %r12d
    mov (%r13,%r12,8), %ecx
    lea (%rcx,%r9), %ecx            /* neg_target + target: 0 on a hit */
    jrcxz 1f
    jmp 2f
1:  mov 4(%r13,%r12,8), %ecx        /* the block; 0 = empty entry */
    jrcxz 2f
    mov %ecx, %r12d
    mov %r14, %rcx
    lea (%r8,%r10), %r8d            /* pop the return address (and RET imm16) */
    mov %r8d, %esp
    mov world_current(%rip), %r13
    mov %r12d, WORLD_IBL_PTR(%r13)
    ljmpl *WORLD_IBL_PTR(%r13)
2:  mov %r14, %rcx
    jmp *%r11
    .size world_ret_ibl, . - world_ret_ibl

/* A signal handler that ends the guest's run returns here (CS 0x33, RSP = host_rsp,
 * host FS base, the guest's extended state still in the registers). */
    .globl world_exit_stub
    .type world_exit_stub, @function
world_exit_stub:
    mov world_current(%rip), %rbx
    mov WORLD_XSAVE_MASK(%rbx), %eax
    mov WORLD_XSAVE_MASK+4(%rbx), %edx
    xsave64 WORLD_XSAVE(%rbx)
    mov WORLD_HOST_RSP(%rbx), %rsp
world_return:
    mov WORLD_EXIT(%rbx), %eax
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret
    .size world_exit_stub, . - world_exit_stub

/* Every host signal enters here on the alternate stack (SA_ONSTACK). Before any C:
 * allow syscalls again and put glibc's FS base back; after: the FS base the
 * interrupted code needs, and block syscalls again if it was guest code. */
    .globl host_signal_entry
    .type host_signal_entry, @function
host_signal_entry:
    movb $0, sud_selector(%rip)
    /* The data segment registers as the interrupted code left them (the kernel does not
     * touch them on signal delivery): guest code may have loaded one natively. */
    mov %ds, host_signal_sel+0(%rip)
    mov %es, host_signal_sel+2(%rip)
    mov %fs, host_signal_sel+4(%rip)
    mov %gs, host_signal_sel+6(%rip)
    rdfsbase %rax
    mov %rax, host_signal_fsbase(%rip)
    mov world_host_fsbase(%rip), %rax
    wrfsbase %rax
    /* The kernel keeps AC in the handler's EFLAGS: the guest's alignment checking must
     * not follow the monitor into C. (DF is cleared by the kernel, TF too.) */
    pushfq
    andq $~0x40000, (%rsp)
    popfq
    sub $8, %rsp
    cld
    call host_signal_handler        /* returns 1 to resume guest code, 0 otherwise */
    add $8, %rsp
    mov host_signal_fsbase(%rip), %rcx
    wrfsbase %rcx
    test %eax, %eax
    jz 1f
    movb $1, sud_selector(%rip)
1:  ret                             /* into host_sigreturn (SA_RESTORER) */
    .size host_signal_entry, . - host_signal_entry

/* The only code allowed to make a system call while the selector blocks them
 * (the Syscall User Dispatch region): rt_sigreturn. */
    .section .text.sigreturn, "ax"
    .globl host_sigreturn, host_sigreturn_end
host_sigreturn:
    mov $15, %eax                   /* __NR_rt_sigreturn */
    syscall
    ud2
host_sigreturn_end:

    .data
    .globl sud_selector, host_signal_fsbase, world_host_fsbase, callout_scratch, host_signal_sel
sud_selector:
    .byte 0
    .align 8
callout_scratch:
    .quad 0
callout_scratch2:
    .quad 0
callout_resume:
    .long 0
    .word 0
    .word 0
host_signal_sel:                    /* uint16_t ds, es, fs, gs at the last host signal */
    .word 0, 0, 0, 0
host_signal_fsbase:
    .quad 0
world_host_fsbase:
    .quad 0

    .section .note.GNU-stack, "", @progbits
