/* garbage.S — a multiboot guest that jumps where no RAM is: the bytes there read as
 * all-ones (FF FF: no valid instruction), so it takes #UD with no IDT: a triple fault. */
    .section .multiboot, "a"
    .align 4
    .long 0x1BADB002, 0x00000003, -(0x1BADB002 + 0x00000003)
    .text
    .globl _start
_start:
    lidt empty_idt
    mov $0xE0000000, %eax
    jmp *%eax
    .data
empty_idt:
    .word 0
    .long 0
