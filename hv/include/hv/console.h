/*
 * The hypervisor console: printk lines with a level filter, and guest
 * console output gathered into lines with the domain's name in front.
 * Guest bytes are sanitised so a guest cannot forge hypervisor lines or send
 * terminal escapes.
 */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <hv/lib.h>

struct domain;

void console_set_level(int lvl);
void console_set_enabled(bool on);
/* Append guest bytes; full lines are printed as "(name) text". */
void console_guest_write(struct domain *d, const char *buf, size_t len);
/* Print what is left of a guest's last line (at shutdown). */
void console_guest_flush(struct domain *d);
/* Copy text for a hypervisor line, non-printable bytes replaced by '?'. */
void console_sanitize(char *dst, size_t size, const char *src);

#endif
