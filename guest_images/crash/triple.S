/* triple.S — a multiboot guest that triple-faults: with an empty IDT, UD2 raises #UD,
 * whose delivery raises #GP, whose delivery raises #DF, whose delivery shuts down. */
    .section .multiboot, "a"
    .align 4
    .long 0x1BADB002, 0x00000003, -(0x1BADB002 + 0x00000003)
    .text
    .globl _start
_start:
    lidt empty_idt
    ud2
    .data
empty_idt:
    .word 0
    .long 0
