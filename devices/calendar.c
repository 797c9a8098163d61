/* calendar.c — Gregorian date arithmetic: a year has 365 days plus one in leap years,
 * which are the multiples of 4 except centuries not divisible by 400. */
#include "devices/calendar.h"

#define SECS_PER_DAY 86400

static const uint16_t days_before_month[12] = {0,   31,  59,  90,  120, 151,
                                               181, 212, 243, 273, 304, 334};

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Leap years among 1 .. y-1, for y >= 1. */
static int64_t leaps_before(int64_t y)
{
    return (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400;
}

/* Days from 1970-01-01 to January 1st of year y (y >= 1). */
static int64_t days_before_year(int64_t y)
{
    return 365 * (y - 1970) + leaps_before(y) - leaps_before(1970);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void calendar_from_unix(int64_t secs, struct calendar_time *out)
{
    const int64_t min_days = days_before_year(1);
    const int64_t max_days = days_before_year(10000) - 1;
    int64_t days = floor_div(secs, SECS_PER_DAY);
    int64_t rem = secs - days * SECS_PER_DAY;
    if (days < min_days) {
        days = min_days;
        rem = 0;
    } else if (days > max_days) {
        days = max_days;
        rem = SECS_PER_DAY - 1;
    }
    /* 1970-01-01 was a Thursday (5 in Sunday = 1 numbering). */
    out->weekday = (uint8_t)(((days + 4) % 7 + 7) % 7 + 1);
    int64_t y = 1970 + days / 365;
    while (y > 1 && days_before_year(y) > days)
        y--;
    while (days_before_year(y + 1) <= days)
        y++;
    int64_t yday = days - days_before_year(y);
    unsigned m = 12;
    while (m > 1 && yday < days_before_month[m - 1] + (m > 2 && is_leap(y)))
        m--;
    out->year = (int32_t)y;
    out->month = (uint8_t)m;
    out->day = (uint8_t)(yday - days_before_month[m - 1] - (m > 2 && is_leap(y)) + 1);
    out->hour = (uint8_t)(rem / 3600);
    out->minute = (uint8_t)(rem / 60 % 60);
    out->second = (uint8_t)(rem % 60);
}

int64_t calendar_to_unix(const struct calendar_time *t)
{
    int64_t y = t->year < 1 ? 1 : t->year > 9999 ? 9999 : t->year;
    unsigned m = t->month < 1 ? 1 : t->month > 12 ? 12 : t->month;
    int64_t days = days_before_year(y) + days_before_month[m - 1] + (m > 2 && is_leap(y)) +
                   (int64_t)t->day - 1;
    return days * SECS_PER_DAY + (int64_t)t->hour * 3600 + (int64_t)t->minute * 60 + t->second;
}
