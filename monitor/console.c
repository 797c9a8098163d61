/* console.c — terminal input for the guest's serial port. */
#include "monitor/console.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define CTRL_A 0x01

void console_open(struct console *c, int fd)
{
    memset(c, 0, sizeof(*c));
    c->fd = fd;
    c->tty = tcgetattr(fd, &c->saved) == 0;
    if (!c->tty)
        return;
    struct termios t = c->saved;
    cfmakeraw(&t);
    t.c_oflag |= OPOST | ONLCR; /* keep the host's output processing for the guest's text */
    if (tcsetattr(fd, TCSANOW, &t) == 0)
        c->raw = true;
}

void console_restore(struct console *c)
{
    if (c->raw) {
        ioctl(c->fd, TCSETS, &c->saved);
        c->raw = false;
    }
}

static void queue(struct console *c, uint8_t b)
{
    if (c->count < sizeof(c->pending))
        c->pending[(c->head + c->count++) % sizeof(c->pending)] = b;
}

enum console_action console_feed(struct console *c, const uint8_t *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t b = in[i];
        if (c->escape) {
            c->escape = false;
            if (b == 'x' || b == 'X')
                return CONSOLE_QUIT;
            if (b == CTRL_A)
                queue(c, CTRL_A);
            continue; /* other escapes are not bound */
        }
        if (b == CTRL_A && c->tty) {
            c->escape = true;
            continue;
        }
        queue(c, b);
    }
    return CONSOLE_CONTINUE;
}

enum console_action console_read(struct console *c, int timeout_ms)
{
    if (c->eof || c->count == sizeof(c->pending))
        return CONSOLE_CONTINUE;
    struct pollfd p = {.fd = c->fd, .events = POLLIN};
    if (poll(&p, 1, timeout_ms) <= 0)
        return CONSOLE_CONTINUE;
    uint8_t buf[64];
    size_t room = sizeof(c->pending) - c->count;
    ssize_t n = read(c->fd, buf, room < sizeof(buf) ? room : sizeof(buf));
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
        c->eof = true;
        return CONSOLE_CONTINUE;
    }
    return n > 0 ? console_feed(c, buf, (size_t)n) : CONSOLE_CONTINUE;
}

bool console_take(struct console *c, uint8_t *byte)
{
    if (!c->count)
        return false;
    *byte = c->pending[c->head];
    c->head = (c->head + 1) % sizeof(c->pending);
    c->count--;
    return true;
}
