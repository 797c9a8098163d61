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

/* Entered in 64-bit mode from the low callout trampoline after the guest's
 * `lcall *%cs:slot`: RSP is the guest ESP (minus the 8-byte far-call frame) and
 * every GPR but RSP is the guest's. */
    .globl world_callout_entry
    .type world_callout_entry, @function
world_callout_entry:
    movb $0, sud_selector(%rip)
    /* Only MOV and LEA until EFLAGS is saved: they leave the guest's flags alone. */
    mov %rax, callout_scratch(%rip)
    mov world_current(%rip), %rax
    mov %ecx, WORLD_GPR+4*GPR_ECX(%rax)
    mov %edx, WORLD_GPR+4*GPR_EDX(%rax)
    mov %ebx, WORLD_GPR+4*GPR_EBX(%rax)
    mov %ebp, WORLD_GPR+4*GPR_EBP(%rax)
    mov %esi, WORLD_GPR+4*GPR_ESI(%rax)
    mov %edi, WORLD_GPR+4*GPR_EDI(%rax)
    mov %esp, %ecx                  /* upper half of RSP is undefined after compat mode */
    mov WORLD_SS_BASE(%rax), %edx
    lea (%rcx,%rdx), %rsp           /* the frame is at SS.base + ESP; 64-bit mode ignores bases */
    pushfq
    pop %rcx
    mov %ecx, WORLD_EFLAGS(%rax)
    mov callout_scratch(%rip), %rcx
    mov %ecx, WORLD_GPR+4*GPR_EAX(%rax)
    mov (%rsp), %ecx
    mov %ecx, WORLD_CALLOUT_RET(%rax)
    mov 4(%rsp), %ecx
    mov %ecx, WORLD_CALLOUT_RET+4(%rax)
    mov %rsp, %rcx
    sub WORLD_SS_BASE(%rax), %ecx
    add $8, %ecx                    /* the guest ESP after its far call returns */
    mov %ecx, WORLD_GPR+4*GPR_ESP(%rax)
    rdfsbase %rcx
    mov %rcx, WORLD_GUEST_FSBASE(%rax)
    mov WORLD_HOST_FSBASE(%rax), %rcx
    wrfsbase %rcx
    mov %rax, %rbx
    mov WORLD_XSAVE_MASK(%rbx), %eax
    mov WORLD_XSAVE_MASK+4(%rbx), %edx
    xsave64 WORLD_XSAVE(%rbx)
    mov WORLD_HOST_RSP(%rbx), %rsp
    sub $128, %rsp
    and $-16, %rsp
    cld
    mov %rbx, %rdi
    call *world_callout_handler(%rip)
    test %eax, %eax
    jnz world_callout_exit
    /* Resume the guest after its far call, with the (possibly changed) state in w. */
    mov %rbx, %rdi
    mov WORLD_XSAVE_MASK(%rdi), %eax
    mov WORLD_XSAVE_MASK+4(%rdi), %edx
    xrstor64 WORLD_XSAVE(%rdi)
    mov WORLD_DS(%rdi), %ds
    mov WORLD_ES(%rdi), %es
    mov WORLD_FS(%rdi), %fs
    mov WORLD_GS(%rdi), %gs
    mov WORLD_GPR+4*GPR_ESP(%rdi), %esp
    sub $8, %esp
    add WORLD_SS_BASE(%rdi), %esp
    mov WORLD_CALLOUT_RET(%rdi), %eax
    mov %eax, (%rsp)
    mov WORLD_CALLOUT_RET+4(%rdi), %eax
    mov %eax, 4(%rsp)
    mov WORLD_EFLAGS(%rdi), %eax
    and $~0x4000, %eax
    push %rax                       /* below the frame, popped again before LRET */
    mov WORLD_GPR+4*GPR_EAX(%rdi), %eax
    mov WORLD_GPR+4*GPR_ECX(%rdi), %ecx
    mov WORLD_GPR+4*GPR_EDX(%rdi), %edx
    mov WORLD_GPR+4*GPR_EBX(%rdi), %ebx
    mov WORLD_GPR+4*GPR_EBP(%rdi), %ebp
    mov WORLD_GPR+4*GPR_ESI(%rdi), %esi
    movb $1, sud_selector(%rip)
    popfq
    mov WORLD_GPR+4*GPR_EDI(%rdi), %edi
    lretl                           /* 32-bit far return: EIP, CS */
world_callout_exit:
    movl $WORLD_EXIT_CALLOUT, WORLD_EXIT(%rbx)
    mov WORLD_HOST_RSP(%rbx), %rsp
    jmp world_return
    .size world_callout_entry, . - world_callout_entry

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
    rdfsbase %rax
    mov %rax, host_signal_fsbase(%rip)
    mov world_host_fsbase(%rip), %rax
    wrfsbase %rax
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
    .globl sud_selector, host_signal_fsbase, world_host_fsbase
sud_selector:
    .byte 0
    .align 8
callout_scratch:
    .quad 0
host_signal_fsbase:
    .quad 0
world_host_fsbase:
    .quad 0

    .section .note.GNU-stack, "", @progbits
