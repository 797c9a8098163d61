/* test_dev_pic.c — the 8259A pair against the datasheet's rules. */
#include "devices/pic.h"
#include "tests/unit.h"

struct rig {
    struct pic pic;
    struct io_bus bus;
    int intr_calls, intr_level;
};

static void on_intr(void *ctx, int level)
{
    struct rig *r = ctx;
    r->intr_calls++;
    r->intr_level = level;
}

static void outb(struct rig *r, uint16_t port, uint8_t val)
{
    io_bus_write(&r->bus, port, 1, val);
}

static uint8_t inb(struct rig *r, uint16_t port)
{
    return (uint8_t)io_bus_read(&r->bus, port, 1);
}

/* Linux-style initialisation: master vectors 0x20, slave 0x28, everything unmasked. */
static void setup(struct rig *r, uint8_t icw4)
{
    pic_init(&r->pic, on_intr, r);
    io_bus_init(&r->bus);
    r->intr_calls = 0;
    r->intr_level = 0;
    io_bus_register(&r->bus, 0x20, 2, 1, &pic_chip_io_ops, &r->pic.chip[0], "m");
    io_bus_register(&r->bus, 0xA0, 2, 1, &pic_chip_io_ops, &r->pic.chip[1], "s");
    io_bus_register(&r->bus, 0x4D0, 2, 1, &pic_elcr_io_ops, &r->pic, "elcr");
    outb(r, 0x20, 0x11);
    outb(r, 0x21, 0x20);
    outb(r, 0x21, 0x04);
    outb(r, 0x21, icw4);
    outb(r, 0xA0, 0x11);
    outb(r, 0xA1, 0x28);
    outb(r, 0xA1, 0x02);
    outb(r, 0xA1, icw4);
    outb(r, 0x21, 0x00);
    outb(r, 0xA1, 0x00);
}

static uint8_t read_isr(struct rig *r, uint16_t cmd)
{
    outb(r, cmd, 0x0B); /* OCW3: read ISR */
    return inb(r, cmd);
}

static uint8_t read_irr(struct rig *r, uint16_t cmd)
{
    outb(r, cmd, 0x0A); /* OCW3: read IRR */
    return inb(r, cmd);
}

static void pulse(struct rig *r, unsigned line)
{
    pic_set_irq(&r->pic, line, 1);
    pic_set_irq(&r->pic, line, 0);
    pic_set_irq(&r->pic, line, 1);
}

START_TEST(icw_sequence_sets_vector_base)
{
    struct rig r;
    setup(&r, 0x01);
    ck_assert(!pic_has_interrupt(&r.pic));
    pic_set_irq(&r.pic, 0, 1);
    ck_assert(pic_has_interrupt(&r.pic));
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x20);
    outb(&r, 0x20, 0x20);
    pic_set_irq(&r.pic, 6, 1);
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x26);
    ck_assert_uint_eq(r.pic.chip[0].icw3, 0x04);
    ck_assert_uint_eq(r.pic.chip[1].icw3, 0x02);
}
END_TEST

START_TEST(data_port_writes_follow_the_init_sequence)
{
    struct rig r;
    setup(&r, 0x01);
    outb(&r, 0x21, 0x5A); /* OCW1 */
    ck_assert_uint_eq(inb(&r, 0x21), 0x5A);
    outb(&r, 0x20, 0x11); /* ICW1 clears the IMR */
    ck_assert_uint_eq(inb(&r, 0x21), 0x00);
    outb(&r, 0x21, 0x48); /* ICW2, not the mask */
    ck_assert_uint_eq(inb(&r, 0x21), 0x00);
    outb(&r, 0x21, 0x04);
    outb(&r, 0x21, 0x01);
    outb(&r, 0x21, 0x01);
    ck_assert_uint_eq(inb(&r, 0x21), 0x01);
    pic_set_irq(&r.pic, 0, 1);
    ck_assert(!pic_has_interrupt(&r.pic));
    pic_set_irq(&r.pic, 1, 1);
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x49);
}
END_TEST

START_TEST(masked_line_is_latched_not_delivered)
{
    struct rig r;
    setup(&r, 0x01);
    outb(&r, 0x21, 0x02);
    pic_set_irq(&r.pic, 1, 1);
    ck_assert(!pic_has_interrupt(&r.pic));
    ck_assert_uint_eq(read_irr(&r, 0x20), 0x02);
    outb(&r, 0x21, 0x00);
    ck_assert(pic_has_interrupt(&r.pic));
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x21);
    ck_assert_uint_eq(read_irr(&r, 0x20), 0x00);
}
END_TEST

START_TEST(fixed_priority_and_in_service_blocking)
{
    struct rig r;
    setup(&r, 0x01);
    pic_set_irq(&r.pic, 5, 1);
    pic_set_irq(&r.pic, 3, 1);
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x23);
    /* IR5 has lower priority than the in-service IR3. */
    ck_assert(!pic_has_interrupt(&r.pic));
    /* IR1 has higher priority and nests. */
    pic_set_irq(&r.pic, 1, 1);
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x21);
    ck_assert_uint_eq(read_isr(&r, 0x20), 0x0A);
    outb(&r, 0x20, 0x20); /* non-specific EOI clears the highest: IR1 */
    ck_assert_uint_eq(read_isr(&r, 0x20), 0x08);
    ck_assert(!pic_has_interrupt(&r.pic));
    outb(&r, 0x20, 0x20);
    ck_assert_uint_eq(read_isr(&r, 0x20), 0x00);
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x25);
}
END_TEST

START_TEST(specific_eoi_clears_named_level)
{
    struct rig r;
    setup(&r, 0x01);
    pic_set_irq(&r.pic, 4, 1);
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x24);
    pic_set_irq(&r.pic, 0, 1);
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x20);
    ck_assert_uint_eq(read_isr(&r, 0x20), 0x11);
    outb(&r, 0x20, 0x64); /* specific EOI for IR4 */
    ck_assert_uint_eq(read_isr(&r, 0x20), 0x01);
}
END_TEST

START_TEST(cascade_delivers_slave_vectors_via_ir2)
{
    struct rig r;
    setup(&r, 0x01);
    pic_set_irq(&r.pic, 10, 1);
    ck_assert(pic_has_interrupt(&r.pic));
    ck_assert_uint_eq(read_irr(&r, 0x20), 0x04);
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x2A);
    ck_assert_uint_eq(read_isr(&r, 0x20), 0x04);
    ck_assert_uint_eq(read_isr(&r, 0xA0), 0x04);
    /* While master IR2 is in service, master IR3 (lower) waits, IR0 (higher) nests. */
    pic_set_irq(&r.pic, 3, 1);
    ck_assert(!pic_has_interrupt(&r.pic));
    outb(&r, 0xA0, 0x20);
    outb(&r, 0x20, 0x20);
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x23);
    /* The ISA IRQ2 pin arrives as IRQ9. */
    pic_set_irq(&r.pic, 2, 1);
    ck_assert_uint_eq(read_irr(&r, 0xA0), 0x02);
}
END_TEST

START_TEST(masking_the_cascade_blocks_the_slave)
{
    struct rig r;
    setup(&r, 0x01);
    outb(&r, 0x21, 0x04);
    pic_set_irq(&r.pic, 14, 1);
    ck_assert(!pic_has_interrupt(&r.pic));
    outb(&r, 0x21, 0x00);
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x2E);
}
END_TEST

START_TEST(spurious_irq7_when_request_vanishes)
{
    struct rig r;
    setup(&r, 0x01);
    pic_set_irq(&r.pic, 4, 1);
    ck_assert(pic_has_interrupt(&r.pic));
    pic_set_irq(&r.pic, 4, 0);
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x27);
    /* The default IR7 sets no ISR bit, so no EOI is owed. */
    ck_assert_uint_eq(read_isr(&r, 0x20), 0x00);
    ck_assert_uint_eq(r.pic.spurious, 1);
}
END_TEST

START_TEST(spurious_irq15_leaves_master_ir2_in_service)
{
    struct rig r;
    setup(&r, 0x01);
    pic_set_irq(&r.pic, 11, 1);
    ck_assert(pic_has_interrupt(&r.pic));
    pic_set_irq(&r.pic, 11, 0);
    ck_assert(pic_has_interrupt(&r.pic)); /* the master latched the cascade request */
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x2F);
    ck_assert_uint_eq(read_isr(&r, 0xA0), 0x00);
    ck_assert_uint_eq(read_isr(&r, 0x20), 0x04);
    ck_assert_uint_eq(r.pic.spurious, 1);
}
END_TEST

START_TEST(edge_mode_needs_a_new_rising_edge)
{
    struct rig r;
    setup(&r, 0x01);
    pic_set_irq(&r.pic, 3, 1);
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x23);
    outb(&r, 0x20, 0x20);
    pic_set_irq(&r.pic, 3, 1); /* still high: no new request */
    ck_assert(!pic_has_interrupt(&r.pic));
    pulse(&r, 3);
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x23);
}
END_TEST

START_TEST(level_mode_via_elcr_redelivers_while_high)
{
    struct rig r;
    setup(&r, 0x01);
    outb(&r, 0x4D0, 0xFF);
    ck_assert_uint_eq(inb(&r, 0x4D0), 0xF8); /* IRQ0-2 are always edge */
    outb(&r, 0x4D1, 0xFF);
    ck_assert_uint_eq(inb(&r, 0x4D1), 0xDE); /* IRQ8, IRQ13 too */
    outb(&r, 0x4D0, 0x08);
    pic_set_irq(&r.pic, 3, 1);
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x23);
    outb(&r, 0x20, 0x20);
    ck_assert(pic_has_interrupt(&r.pic));
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x23);
    outb(&r, 0x20, 0x20);
    pic_set_irq(&r.pic, 3, 0);
    ck_assert(!pic_has_interrupt(&r.pic));
}
END_TEST

START_TEST(auto_eoi_sets_no_isr)
{
    struct rig r;
    setup(&r, 0x03);
    pic_set_irq(&r.pic, 1, 1);
    pic_set_irq(&r.pic, 6, 1);
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x21);
    ck_assert_uint_eq(read_isr(&r, 0x20), 0x00);
    ck_assert(pic_has_interrupt(&r.pic));
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x26);
}
END_TEST

START_TEST(set_priority_and_rotation)
{
    struct rig r;
    setup(&r, 0x01);
    outb(&r, 0x20, 0xC4); /* OCW2 set priority: IR4 lowest, so IR5 highest */
    pic_set_irq(&r.pic, 3, 1);
    pic_set_irq(&r.pic, 5, 1);
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x25);
    outb(&r, 0x20, 0xA0); /* rotate on non-specific EOI: IR5 becomes lowest */
    ck_assert_uint_eq(r.pic.chip[0].lowest_priority, 5);
    pic_set_irq(&r.pic, 6, 1);
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x26); /* IR6 is now highest */
    outb(&r, 0x20, 0xE6);                             /* rotate on specific EOI 6 */
    ck_assert_uint_eq(read_isr(&r, 0x20), 0x00);
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x23);
}
END_TEST

START_TEST(poll_command_reads_and_acknowledges)
{
    struct rig r;
    setup(&r, 0x01);
    outb(&r, 0x20, 0x0C);
    ck_assert_uint_eq(inb(&r, 0x20), 0x00); /* nothing pending */
    pic_set_irq(&r.pic, 6, 1);
    outb(&r, 0x20, 0x0C);
    ck_assert_uint_eq(inb(&r, 0x20), 0x86);
    ck_assert_uint_eq(read_isr(&r, 0x20), 0x40);
    ck_assert(!pic_has_interrupt(&r.pic));
}
END_TEST

START_TEST(intr_output_reported)
{
    struct rig r;
    setup(&r, 0x01);
    pic_set_irq(&r.pic, 0, 1);
    ck_assert_int_eq(r.intr_level, 1);
    int calls = r.intr_calls;
    pic_acknowledge(&r.pic);
    ck_assert_int_eq(r.intr_level, 0);
    ck_assert_int_eq(r.intr_calls, calls + 1);
}
END_TEST

START_TEST(special_mask_mode_lets_lower_levels_in)
{
    struct rig r;
    setup(&r, 0x01);
    pic_set_irq(&r.pic, 3, 1);
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x23);
    pic_set_irq(&r.pic, 5, 1);
    ck_assert(!pic_has_interrupt(&r.pic));
    outb(&r, 0x21, 0x08); /* mask the in-service level */
    outb(&r, 0x20, 0x68); /* OCW3: set special mask mode */
    ck_assert_uint_eq(pic_acknowledge(&r.pic), 0x25);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("dev_pic");
    TCase *tc = tcase_create("8259a");
    tcase_add_test(tc, icw_sequence_sets_vector_base);
    tcase_add_test(tc, data_port_writes_follow_the_init_sequence);
    tcase_add_test(tc, masked_line_is_latched_not_delivered);
    tcase_add_test(tc, fixed_priority_and_in_service_blocking);
    tcase_add_test(tc, specific_eoi_clears_named_level);
    tcase_add_test(tc, cascade_delivers_slave_vectors_via_ir2);
    tcase_add_test(tc, masking_the_cascade_blocks_the_slave);
    tcase_add_test(tc, spurious_irq7_when_request_vanishes);
    tcase_add_test(tc, spurious_irq15_leaves_master_ir2_in_service);
    tcase_add_test(tc, edge_mode_needs_a_new_rising_edge);
    tcase_add_test(tc, level_mode_via_elcr_redelivers_while_high);
    tcase_add_test(tc, auto_eoi_sets_no_isr);
    tcase_add_test(tc, set_priority_and_rotation);
    tcase_add_test(tc, poll_command_reads_and_acknowledges);
    tcase_add_test(tc, intr_output_reported);
    tcase_add_test(tc, special_mask_mode_lets_lower_levels_in);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(make_suite)
