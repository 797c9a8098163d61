/* emu_native_exec.S — run one register-only instruction with the guest's registers.
 *
 * void emu_native_exec(struct native_regs *r, const void *code)
 * r: uint32_t gpr[8] (ESP is not loaded), uint32_t eflags, uint32_t pad, uint64_t r8.
 * code: the instruction followed by RET. Only the status flags go in and out. */
    .text
    .globl emu_native_exec
    .type emu_native_exec, @function
emu_native_exec:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    push %rdi
    mov %rsi, %r11
    pushfq
    mov 32(%rdi), %eax
    and $0x8D5, %eax                /* CF PF AF ZF SF OF */
    andq $~0x8D5, (%rsp)
    or %rax, (%rsp)
    popfq
    mov 40(%rdi), %r8
    mov 0(%rdi), %eax
    mov 4(%rdi), %ecx
    mov 8(%rdi), %edx
    mov 12(%rdi), %ebx
    mov 20(%rdi), %ebp
    mov 24(%rdi), %esi
    mov 28(%rdi), %edi
    call *%r11
    pushfq
    mov 8(%rsp), %r11               /* r */
    pop %r10
    mov %eax, 0(%r11)
    mov %ecx, 4(%r11)
    mov %edx, 8(%r11)
    mov %ebx, 12(%r11)
    mov %ebp, 20(%r11)
    mov %esi, 24(%r11)
    mov %edi, 28(%r11)
    mov %r10d, 32(%r11)
    mov %r8, 40(%r11)
    pop %rdi
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret
    .size emu_native_exec, . - emu_native_exec
    .section .note.GNU-stack, "", @progbits
