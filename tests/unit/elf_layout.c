/* The C library's own ELF definitions (<elf.h>), as an oracle for the
 * layout of the kernel's (kern/elf.h): test_elf.c compares the two.  Kept
 * in its own file because the two headers define the same names. */
#include <elf.h>
#include <stddef.h>
#include "elf_layout.h"

const size_t libc_ehdr_layout[] = {
	sizeof(Elf64_Ehdr), offsetof(Elf64_Ehdr, e_type), offsetof(Elf64_Ehdr, e_machine),
	offsetof(Elf64_Ehdr, e_version), offsetof(Elf64_Ehdr, e_entry),
	offsetof(Elf64_Ehdr, e_phoff), offsetof(Elf64_Ehdr, e_shoff),
	offsetof(Elf64_Ehdr, e_flags), offsetof(Elf64_Ehdr, e_ehsize),
	offsetof(Elf64_Ehdr, e_phentsize), offsetof(Elf64_Ehdr, e_phnum),
	offsetof(Elf64_Ehdr, e_shentsize), offsetof(Elf64_Ehdr, e_shnum),
	offsetof(Elf64_Ehdr, e_shstrndx),
};

const size_t libc_phdr_layout[] = {
	sizeof(Elf64_Phdr), offsetof(Elf64_Phdr, p_type), offsetof(Elf64_Phdr, p_flags),
	offsetof(Elf64_Phdr, p_offset), offsetof(Elf64_Phdr, p_vaddr),
	offsetof(Elf64_Phdr, p_paddr), offsetof(Elf64_Phdr, p_filesz),
	offsetof(Elf64_Phdr, p_memsz), offsetof(Elf64_Phdr, p_align),
};

const unsigned libc_constants[] = {
	EI_CLASS, EI_DATA, EI_VERSION, ELFCLASS64, ELFDATA2LSB, EV_CURRENT, ET_EXEC, ET_DYN,
	EM_X86_64, EM_AARCH64, EM_RISCV, PT_LOAD, PT_DYNAMIC, PT_INTERP, PF_X, PF_W, PF_R,
};
