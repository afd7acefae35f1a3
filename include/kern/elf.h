/* Static ELF64 executables: the format's structures (as the System V ABI
 * lays them out) and a validator that turns an image into the list of
 * segments to load.
 *
 * elf_parse() accepts only what the kernel can load safely: a 64-bit
 * little-endian ET_EXEC for the given machine, with no interpreter and no
 * dynamic section, whose program headers and file data lie inside the
 * image, whose PT_LOAD segments fit inside the given user range, do not
 * share a page with one another, have filesz <= memsz and are never both
 * writable and executable (W^X), and whose entry point lies inside an
 * executable segment.  Pure: the host tests link it alone. */
#ifndef KERN_ELF_H
#define KERN_ELF_H

#include <kern/types.h>

#define EI_NIDENT    16
#define EI_CLASS     4
#define EI_DATA      5
#define EI_VERSION   6
#define ELFCLASS64   2
#define ELFDATA2LSB  1
#define EV_CURRENT   1

#define ET_EXEC      2
#define ET_DYN       3

#define EM_X86_64    62
#define EM_AARCH64   183
#define EM_RISCV     243

#define PT_NULL      0
#define PT_LOAD      1
#define PT_DYNAMIC   2
#define PT_INTERP    3

#define PF_X 0x1u
#define PF_W 0x2u
#define PF_R 0x4u

struct elf64_ehdr {
	uint8_t  e_ident[EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

#define ELF_MAX_SEGMENTS 8    /* PT_LOAD segments one program may have */
#define ELF_MAX_PHDRS    64   /* program headers of any kind */

struct elf_segment {
	uint64_t vaddr;      /* where the segment's first byte goes */
	uint64_t memsz;      /* bytes in memory; [filesz, memsz) is zero */
	uint64_t offset;     /* of its file bytes in the image */
	uint64_t filesz;
	unsigned prot;       /* PROT_R/W/X from p_flags */
};

struct elf_image {
	uint64_t entry;
	unsigned nsegs;
	struct elf_segment segs[ELF_MAX_SEGMENTS];
};

/* Validate image (size bytes) as an executable for machine (EM_*) whose
 * segments must lie inside [user_lo, user_hi); fill out.  K_OK, or
 * K_EINVAL with *why (if not NULL) set to a one-line reason. */
int elf_parse(const void *image, size_t size, unsigned machine, uint64_t user_lo,
	      uint64_t user_hi, struct elf_image *out, const char **why);

#endif
