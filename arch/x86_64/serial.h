/* COM1 serial port (arch/x86_64/serial.c). */
#ifndef X86_SERIAL_H
#define X86_SERIAL_H

#include <kern/types.h>

void serial_init(void);
bool serial_present(void);
void serial_putc(char c);
void serial_register_console(void);
/* Route the UART's receive interrupt (needs the IOAPIC). */
void serial_enable_input(void);

#endif
