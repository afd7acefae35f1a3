/* See elf_layout.c. */
#include <stddef.h>
extern const size_t libc_ehdr_layout[14];
extern const size_t libc_phdr_layout[9];
extern const unsigned libc_constants[17];
