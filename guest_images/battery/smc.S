/* smc.S — code that the self-modifying-code checks patch. */
    .text
    /* uint32_t smc_target(void): returns the imm32 at smc_target_imm. */
    .global smc_target, smc_target_imm
smc_target:
    .byte 0xb8                      /* mov $imm32, %eax */
smc_target_imm:
    .long 0x11111111
    ret

    /* uint32_t smc_ahead(uint32_t v): stores v into the immediate of the very
     * next instruction, which must then execute with the new value
     * (SDM Vol. 3A §8.1.3: stores to code ahead are detected). */
    .global smc_ahead
smc_ahead:
    mov 4(%esp), %ecx
    mov %ecx, smc_ahead_imm
    .byte 0xb8
smc_ahead_imm:
    .long 0x22222222
    ret

    /* A position-independent template copied into a buffer: mov $imm32, %eax; ret. */
    .global smc_template, smc_template_end
smc_template:
    .byte 0xb8
    .long 0x33333333
    ret
smc_template_end:
