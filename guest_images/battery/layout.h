/* layout.h — constants shared by the battery's C and assembly. */
#ifndef BATTERY_LAYOUT_H
#define BATTERY_LAYOUT_H

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* page-align modules, provide memory info */

/* GDT selectors (SYSENTER needs KCODE, KDATA, UCODE, UDATA consecutive). */
#define SEL_KCODE      0x08
#define SEL_KDATA      0x10
#define SEL_UCODE      0x1B
#define SEL_UDATA      0x23
#define SEL_TSS        0x28
#define SEL_SMALL      0x30 /* data, base SMALL_BASE, limit 0xFFF, DPL 0 */
#define SEL_LDT        0x38
#define SEL_KCODE2     0x40 /* second flat ring-0 code segment */
#define SEL_XONLY      0x48 /* execute-only code segment */
#define SEL_NP         0x50 /* data segment, not present */
#define SEL_UDATA_RPL0 0x20
#define SEL_STACK16M   0x58 /* data, base 0, limit 16 MiB - 1 */
#define GDT_ENTRIES    12

#define VEC_USER_EXIT 0x81
#define VEC_SYSCALL   0x80

#endif
