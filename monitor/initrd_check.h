/* initrd_check.h — refusing an initrd that is visibly damaged before the guest sees it. */
#ifndef BT386_MONITOR_INITRD_CHECK_H
#define BT386_MONITOR_INITRD_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* initrd_check: for a gzip-compressed initrd (the usual Linux format), inflate every member
 * to its end and check its CRC and length; other formats are not examined. False, with a
 * message in err, if the data ends early or is corrupt (a truncated download or copy). */
bool initrd_check(const uint8_t *data, size_t len, char *err, size_t errlen);

#endif
