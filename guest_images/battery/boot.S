/* boot.S — multiboot v1 entry, interrupt stubs and the ring-3 trampolines of the battery guest. */
#include "layout.h"

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .text
    .global _start
_start:
    cli
    mov $boot_stack_top, %esp
    push %ebx                   /* multiboot info */
    push %eax                   /* multiboot magic */
    call kmain
1:  hlt
    jmp 1b

/* One stub per vector: push a dummy error code where the CPU pushes none
 * (SDM Vol. 3A §6.13: only 8, 10-14, 17, 21 push one), then the vector. */
.macro STUB vec
    .global isr_\vec
isr_\vec:
    .if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21)
    .else
    push $0
    .endif
    push $\vec
    jmp isr_common
.endm

    .altmacro
.macro STUBS from, to
    STUB \from
    .if \to-\from
    STUBS %(\from+1), \to
    .endif
.endm
    STUBS 0, 79
    STUB 128
    STUB 129

/* Table of stub addresses for idt setup: isr_table[v] for v < 80, then 128, 129. */
    .section .rodata
    .align 4
    .global isr_table
.macro ENTRY vec
    .long isr_\vec
.endm
.macro ENTRIES from, to
    ENTRY \from
    .if \to-\from
    ENTRIES %(\from+1), \to
    .endif
.endm
isr_table:
    ENTRIES 0, 79
    .global isr_128_addr
isr_128_addr:
    .long isr_128
    .global isr_129_addr
isr_129_addr:
    .long isr_129
    .text

/* Frame layout: struct trap_frame in battery.h. */
isr_common:
    push %ds
    push %es
    push %fs
    push %gs
    pusha
    mov $SEL_KDATA, %ax
    mov %ax, %ds
    mov %ax, %es
    push %esp
    call trap_dispatch
    add $4, %esp
    popa
    pop %gs
    pop %fs
    pop %es
    pop %ds
    add $8, %esp
    iret

/* uint32_t run_user_asm(uint32_t fn, uint32_t user_esp, uint32_t eflags):
 * enter CPL 3 at user_trampoline through IRET (SDM Vol. 3A §6.12.1 / IRET
 * to an outer level), come back when user code executes INT 0x81. */
    .global run_user_asm
run_user_asm:
    push %ebp
    push %ebx
    push %esi
    push %edi
    mov %esp, kernel_saved_esp
    mov 20(%esp), %eax          /* fn */
    mov 24(%esp), %ecx          /* user esp */
    mov 28(%esp), %edx          /* eflags */
    push $SEL_UDATA
    push %ecx
    push %edx
    push $SEL_UCODE
    push $user_trampoline
    mov $SEL_UDATA, %cx
    mov %cx, %ds
    mov %cx, %es
    mov %cx, %fs
    mov %cx, %gs
    iret

user_trampoline:
    call *%eax
    int $VEC_USER_EXIT
    ud2

/* Vector 0x81 from CPL 3: abandon the interrupt frame, resume run_user_asm's caller. */
    .global user_exit_entry
user_exit_entry:
    mov $SEL_KDATA, %cx
    mov %cx, %ds
    mov %cx, %es
    mov %cx, %fs
    mov %cx, %gs
    mov kernel_saved_esp, %esp
    pop %edi
    pop %esi
    pop %ebx
    pop %ebp
    ret

/* SYSENTER lands here at CPL 0 with ESP = IA32_SYSENTER_ESP: record what the
 * CPU established and SYSEXIT back to EDX with ESP = ECX (SDM Vol. 2B SYSENTER). */
    .global sysenter_entry
sysenter_entry:
    mov %cs, %eax
    mov %eax, sysenter_seen_cs
    mov %ss, %eax
    mov %eax, sysenter_seen_ss
    mov %esp, sysenter_seen_esp
    movl $1, sysenter_count
    mov $0x5e5e, %eax
    sysexit

    .bss
    .align 16
    .global boot_stack_top
boot_stack:
    .space 32768
boot_stack_top:
    .global kernel_saved_esp
kernel_saved_esp:
    .long 0
