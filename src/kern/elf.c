/* The static ELF64 validator (see kern/elf.h).  The image may sit at any
 * alignment (an initrd keeps files 4-byte aligned only), so headers are
 * copied out before they are read. */
#include <kern/elf.h>
#include <kern/errno.h>
#include <kern/string.h>
#include <kern/vm_prot.h>
#include <machine/param.h>

static int refuse(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return K_EINVAL;
}

/* [off, off+len) inside an object of size bytes, without wrapping. */
static bool fits(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static int check_header(const struct elf64_ehdr *h, size_t size, unsigned machine,
			const char **why)
{
	if (memcmp(h->e_ident, "\177ELF", 4) != 0)
		return refuse(why, "not an ELF file");
	if (h->e_ident[EI_CLASS] != ELFCLASS64)
		return refuse(why, "not a 64-bit ELF file");
	if (h->e_ident[EI_DATA] != ELFDATA2LSB)
		return refuse(why, "not little-endian");
	if (h->e_ident[EI_VERSION] != EV_CURRENT || h->e_version != EV_CURRENT)
		return refuse(why, "unknown ELF version");
	if (h->e_type != ET_EXEC)
		return refuse(why, h->e_type == ET_DYN ? "position-independent (ET_DYN), need a static ET_EXEC"
						       : "not an executable (ET_EXEC)");
	if (h->e_machine != machine)
		return refuse(why, "built for another machine");
	if (h->e_phentsize != sizeof(struct elf64_phdr))
		return refuse(why, "unexpected program header size");
	if (h->e_phnum == 0 || h->e_phnum > ELF_MAX_PHDRS)
		return refuse(why, "no program headers, or too many");
	if (!fits(h->e_phoff, (uint64_t)h->e_phnum * sizeof(struct elf64_phdr), size))
		return refuse(why, "program headers run past the end of the file");
	return K_OK;
}

static unsigned prot_of(uint32_t flags)
{
	return (flags & PF_R ? PROT_R : 0) | (flags & PF_W ? PROT_W : 0) |
	       (flags & PF_X ? PROT_X : 0);
}

static int add_segment(const struct elf64_phdr *p, size_t size, uint64_t lo, uint64_t hi,
		       struct elf_image *out, const char **why)
{
	if (p->p_memsz == 0)
		return K_OK;              /* occupies nothing */
	if (p->p_filesz > p->p_memsz)
		return refuse(why, "segment has more file bytes than memory bytes");
	if (!fits(p->p_offset, p->p_filesz, size))
		return refuse(why, "segment data runs past the end of the file");
	if ((p->p_flags & PF_W) && (p->p_flags & PF_X))
		return refuse(why, "segment is both writable and executable (W^X)");
	/* Page-rounded bounds inside [lo, hi), computed without wrapping. */
	if (p->p_vaddr < lo || p->p_vaddr >= hi || p->p_memsz > hi - p->p_vaddr ||
	    ALIGN_UP(p->p_vaddr + p->p_memsz, PAGE_SIZE) > hi)
		return refuse(why, "segment lies outside user space");
	uint64_t start = ALIGN_DOWN(p->p_vaddr, PAGE_SIZE);
	uint64_t end = ALIGN_UP(p->p_vaddr + p->p_memsz, PAGE_SIZE);
	for (unsigned i = 0; i < out->nsegs; i++) {
		const struct elf_segment *s = &out->segs[i];
		uint64_t s_start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
		uint64_t s_end = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
		if (start < s_end && s_start < end)
			return refuse(why, "segments overlap or share a page");
	}
	if (out->nsegs == ELF_MAX_SEGMENTS)
		return refuse(why, "too many loadable segments");
	out->segs[out->nsegs++] = (struct elf_segment){
		.vaddr = p->p_vaddr, .memsz = p->p_memsz, .offset = p->p_offset,
		.filesz = p->p_filesz, .prot = prot_of(p->p_flags),
	};
	return K_OK;
}

int elf_parse(const void *image, size_t size, unsigned machine, uint64_t user_lo,
	      uint64_t user_hi, struct elf_image *out, const char **why)
{
	struct elf64_ehdr h;
	if (!image || size < sizeof(h))
		return refuse(why, "too small to be an ELF file");
	memcpy(&h, image, sizeof(h));
	int rc = check_header(&h, size, machine, why);
	if (rc != K_OK)
		return rc;

	out->entry = h.e_entry;
	out->nsegs = 0;
	for (unsigned i = 0; i < h.e_phnum; i++) {
		struct elf64_phdr p;
		memcpy(&p, (const char *)image + h.e_phoff + i * sizeof(p), sizeof(p));
		if (p.p_type == PT_INTERP || p.p_type == PT_DYNAMIC)
			return refuse(why, "dynamically linked (needs an interpreter)");
		if (p.p_type != PT_LOAD)
			continue;
		rc = add_segment(&p, size, user_lo, user_hi, out, why);
		if (rc != K_OK)
			return rc;
	}
	if (out->nsegs == 0)
		return refuse(why, "nothing to load");
	for (unsigned i = 0; i < out->nsegs; i++) {
		const struct elf_segment *s = &out->segs[i];
		if ((s->prot & PROT_X) && h.e_entry >= s->vaddr && h.e_entry - s->vaddr < s->memsz)
			return K_OK;
	}
	return refuse(why, "entry point is not inside an executable segment");
}
