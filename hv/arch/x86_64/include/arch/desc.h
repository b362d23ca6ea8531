/*
 * The x86-64 descriptor-table formats the hypervisor writes (desc.c) and
 * reads back from the CPU (entry_check.c): an IDT gate and the operand of
 * lgdt/lidt/sgdt/sidt. Formats only, no state.
 */
#ifndef ARCH_DESC_H
#define ARCH_DESC_H

#include <hv/types.h>

struct idt_gate {
	uint16_t off0;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off1;
	uint32_t off2;
	uint32_t rsvd;
} __packed;
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;
_Static_assert(sizeof(struct desc_ptr) == 10, "descriptor-table register layout");

#endif
