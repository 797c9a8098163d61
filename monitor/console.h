/* console.h — the terminal as the guest's COM1: raw mode, and QEMU's Ctrl-A escapes. */
#ifndef BT386_MONITOR_CONSOLE_H
#define BT386_MONITOR_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termios.h>

struct console {
    int fd;
    bool tty;    /* fd is a terminal: raw mode while the guest runs */
    bool raw;    /* raw mode is set and must be restored */
    bool escape; /* the last byte was Ctrl-A */
    bool eof;    /* no more input */
    struct termios saved;
    uint8_t pending[256]; /* bytes read but not yet taken by the UART */
    size_t head, count;
};

enum console_action { CONSOLE_CONTINUE, CONSOLE_QUIT };

/* console_open: use fd as the guest's serial input; put a terminal in raw mode (no echo,
 * no line editing, no signals: Ctrl-C goes to the guest). */
void console_open(struct console *c, int fd);
/* console_restore: give the terminal its modes back (idempotent, async-signal-safe). */
void console_restore(struct console *c);
/* console_feed: interpret input bytes (Ctrl-A x quits, Ctrl-A Ctrl-A sends Ctrl-A, as
 * in QEMU) and queue the rest for the guest. */
enum console_action console_feed(struct console *c, const uint8_t *in, size_t n);
/* console_read: read what is there (waiting at most timeout_ms) and feed it. */
enum console_action console_read(struct console *c, int timeout_ms);
/* console_take: the next byte for the guest; false if none. */
bool console_take(struct console *c, uint8_t *byte);

#endif
