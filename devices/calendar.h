/* calendar.h — Unix seconds to and from the proleptic Gregorian calendar (UTC). */
#ifndef BT386_DEVICES_CALENDAR_H
#define BT386_DEVICES_CALENDAR_H

#include <stdint.h>

struct calendar_time {
    int32_t year;  /* 1..9999 */
    uint8_t month; /* 1..12 */
    uint8_t day;   /* 1..31 */
    uint8_t hour, minute, second;
    uint8_t weekday; /* 1 = Sunday .. 7 = Saturday, the MC146818 numbering */
};

/* Break Unix seconds down (clamped to years 1..9999). */
void calendar_from_unix(int64_t secs, struct calendar_time *out);

/* Unix seconds of `t`; out-of-range days, hours etc. roll over; weekday is ignored. */
int64_t calendar_to_unix(const struct calendar_time *t);

#endif
