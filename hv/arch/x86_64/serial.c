/*
 * The COM1 console (16550 UART at 0x3f8, 115200 8N1, polled). Output only
 * waits for the transmit holding register; input is read without blocking.
 */
#include <arch/cpu.h>
#include <hv/arch.h>

#define COM1 0x3f8

void serial_init(void)
{
	outb(COM1 + 1, 0x00);	/* no interrupts */
	outb(COM1 + 3, 0x80);	/* DLAB */
	outb(COM1 + 0, 0x01);	/* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);	/* 8N1 */
	outb(COM1 + 2, 0xc7);	/* FIFO on, cleared */
	outb(COM1 + 4, 0x03);	/* DTR, RTS */
}

void serial_putc(char c)
{
	for (unsigned int spin = 0; spin < 100000; spin++) {
		if (inb(COM1 + 5) & 0x20) {
			break;
		}
	}
	outb(COM1, (uint8_t)c);
}

int serial_getc(void)
{
	if (inb(COM1 + 5) & 0x01) {
		return inb(COM1);
	}
	return -1;
}

void arch_console_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			serial_putc('\r');
		}
		serial_putc(s[i]);
	}
}

size_t arch_console_read(char *buf, size_t len)
{
	size_t n = 0;

	while (n < len) {
		int c = serial_getc();

		if (c < 0) {
			break;
		}
		buf[n++] = (char)c;
	}
	return n;
}
