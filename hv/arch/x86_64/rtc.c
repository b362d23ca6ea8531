/*
 * The wall clock at boot, from the CMOS real-time clock (ports 0x70/0x71),
 * read once so guests can be given a wallclock in shared_info. Waits out an
 * update in progress and reads twice until two reads agree.
 */
#include <arch/cpu.h>
#include <hv/arch.h>
#include <hv/lib.h>

static uint64_t boot_wallclock;

static uint8_t cmos_read(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned int bcd(uint8_t v, bool is_bcd)
{
	return is_bcd ? (v & 0x0f) + (v >> 4) * 10U : v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static uint64_t days_from_civil(unsigned int y, unsigned int m, unsigned int d)
{
	uint64_t yy = y - (m <= 2);
	uint64_t era = yy / 400;
	uint64_t yoe = yy - era * 400;
	uint64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static uint64_t rtc_read_once(void)
{
	uint8_t sec, min, hour, day, mon, year, regb;
	bool is_bcd;
	bool pm;

	for (unsigned int spin = 0; spin < 100000 && (cmos_read(0x0a) & 0x80); spin++) {
	}
	sec = cmos_read(0x00);
	min = cmos_read(0x02);
	hour = cmos_read(0x04);
	day = cmos_read(0x07);
	mon = cmos_read(0x08);
	year = cmos_read(0x09);
	regb = cmos_read(0x0b);
	is_bcd = !(regb & 0x04);
	pm = !(regb & 0x02) && (hour & 0x80);
	hour &= 0x7f;

	unsigned int h = bcd(hour, is_bcd);

	if (!(regb & 0x02)) {
		h = (h % 12) + (pm ? 12 : 0);
	}
	unsigned int y = 2000 + bcd(year, is_bcd);
	unsigned int mo = bcd(mon, is_bcd), dd = bcd(day, is_bcd);

	if (mo < 1 || mo > 12 || dd < 1 || dd > 31) {
		return 0;
	}
	return days_from_civil(y, mo, dd) * 86400 + h * 3600ULL + bcd(min, is_bcd) * 60ULL +
	       bcd(sec, is_bcd);
}

void rtc_init(void)
{
	uint64_t a = rtc_read_once(), b = rtc_read_once();

	for (unsigned int tries = 0; a != b && tries < 5; tries++) {
		a = b;
		b = rtc_read_once();
	}
	boot_wallclock = b;
	printk(LOG_INFO, "wall clock at boot: %lu s since 1970", (unsigned long)b);
}

uint64_t arch_wallclock_boot_sec(void)
{
	return boot_wallclock;
}
