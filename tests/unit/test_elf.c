/* Host tests of the ELF64 validator (src/kern/elf.c): well-formed images
 * built here, hostile headers of every kind, damaged and truncated images,
 * and the layout of kern/elf.h checked against the C library's <elf.h>. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kern/elf.h>
#include <kern/errno.h>
#include <kern/vm_prot.h>
#include "elf_layout.h"

#define LO 0x10000ull
#define HI 0x7fff00000000ull
#define TEXT 0x400000ull
#define DATA 0x402000ull

struct seg {
	uint32_t type, flags;
	uint64_t vaddr, filesz, memsz;
};

static unsigned char image[16384];
static size_t image_len;

static struct elf64_ehdr *eh(void) { return (struct elf64_ehdr *)image; }
static struct elf64_phdr *ph(int i)
{
	return (struct elf64_phdr *)(image + sizeof(struct elf64_ehdr) + i * sizeof(struct elf64_phdr));
}

/* Header, program headers, then each segment's file bytes (filled with a
 * pattern that names the segment). */
static void build(const struct seg *s, int n, uint64_t entry)
{
	memset(image, 0, sizeof(image));
	struct elf64_ehdr *h = eh();
	memcpy(h->e_ident, "\177ELF", 4);
	h->e_ident[EI_CLASS] = ELFCLASS64;
	h->e_ident[EI_DATA] = ELFDATA2LSB;
	h->e_ident[EI_VERSION] = EV_CURRENT;
	h->e_type = ET_EXEC;
	h->e_machine = EM_X86_64;
	h->e_version = EV_CURRENT;
	h->e_entry = entry;
	h->e_phoff = sizeof(*h);
	h->e_ehsize = sizeof(*h);
	h->e_phentsize = sizeof(struct elf64_phdr);
	h->e_phnum = (uint16_t)n;
	size_t off = sizeof(*h) + (size_t)n * sizeof(struct elf64_phdr);
	for (int i = 0; i < n; i++) {
		struct elf64_phdr *p = ph(i);
		p->p_type = s[i].type;
		p->p_flags = s[i].flags;
		p->p_offset = off;
		p->p_vaddr = p->p_paddr = s[i].vaddr;
		p->p_filesz = s[i].filesz;
		p->p_memsz = s[i].memsz;
		p->p_align = 0x1000;
		ck_assert_uint_le(off + s[i].filesz, sizeof(image));
		memset(image + off, 0xa0 + i, s[i].filesz);
		off += s[i].filesz;
	}
	image_len = off;
}

/* A typical static program: text (RX, entry inside), rodata (R), data+bss
 * (RW, memsz > filesz). */
static void build_good(void)
{
	const struct seg s[] = {
		{ PT_LOAD, PF_R | PF_X, TEXT, 0x1234, 0x1234 },
		{ PT_LOAD, PF_R, DATA, 0x100, 0x100 },
		{ 0x6474e551 /* PT_GNU_STACK */, PF_R | PF_W, 0, 0, 0 },
		{ PT_LOAD, PF_R | PF_W, DATA + 0x1000, 0x80, 0x5000 },
	};
	build(s, 4, TEXT + 0x10);
}

static struct elf_image out;

static int parse(void)
{
	const char *why = NULL;
	return elf_parse(image, image_len, EM_X86_64, LO, HI, &out, &why);
}

static void expect_refused(const char *reason_part)
{
	const char *why = NULL;
	ck_assert_int_eq(elf_parse(image, image_len, EM_X86_64, LO, HI, &out, &why), K_EINVAL);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, reason_part) != NULL, "reason '%s' lacks '%s'", why, reason_part);
}

START_TEST(layout_matches_libc)
{
	const size_t mine_ehdr[] = {
		sizeof(struct elf64_ehdr), offsetof(struct elf64_ehdr, e_type),
		offsetof(struct elf64_ehdr, e_machine), offsetof(struct elf64_ehdr, e_version),
		offsetof(struct elf64_ehdr, e_entry), offsetof(struct elf64_ehdr, e_phoff),
		offsetof(struct elf64_ehdr, e_shoff), offsetof(struct elf64_ehdr, e_flags),
		offsetof(struct elf64_ehdr, e_ehsize), offsetof(struct elf64_ehdr, e_phentsize),
		offsetof(struct elf64_ehdr, e_phnum), offsetof(struct elf64_ehdr, e_shentsize),
		offsetof(struct elf64_ehdr, e_shnum), offsetof(struct elf64_ehdr, e_shstrndx),
	};
	const size_t mine_phdr[] = {
		sizeof(struct elf64_phdr), offsetof(struct elf64_phdr, p_type),
		offsetof(struct elf64_phdr, p_flags), offsetof(struct elf64_phdr, p_offset),
		offsetof(struct elf64_phdr, p_vaddr), offsetof(struct elf64_phdr, p_paddr),
		offsetof(struct elf64_phdr, p_filesz), offsetof(struct elf64_phdr, p_memsz),
		offsetof(struct elf64_phdr, p_align),
	};
	const unsigned mine_constants[] = {
		EI_CLASS, EI_DATA, EI_VERSION, ELFCLASS64, ELFDATA2LSB, EV_CURRENT, ET_EXEC, ET_DYN,
		EM_X86_64, EM_AARCH64, EM_RISCV, PT_LOAD, PT_DYNAMIC, PT_INTERP, PF_X, PF_W, PF_R,
	};
	for (size_t i = 0; i < ARRAY_SIZE(mine_ehdr); i++)
		ck_assert_uint_eq(mine_ehdr[i], libc_ehdr_layout[i]);
	for (size_t i = 0; i < ARRAY_SIZE(mine_phdr); i++)
		ck_assert_uint_eq(mine_phdr[i], libc_phdr_layout[i]);
	for (size_t i = 0; i < ARRAY_SIZE(mine_constants); i++)
		ck_assert_uint_eq(mine_constants[i], libc_constants[i]);
}
END_TEST

START_TEST(good_image)
{
	build_good();
	ck_assert_int_eq(parse(), K_OK);
	ck_assert_uint_eq(out.entry, TEXT + 0x10);
	ck_assert_uint_eq(out.nsegs, 3);                   /* PT_GNU_STACK is not loaded */
	ck_assert_uint_eq(out.segs[0].vaddr, TEXT);
	ck_assert_uint_eq(out.segs[0].prot, PROT_R | PROT_X);
	ck_assert_uint_eq(out.segs[1].prot, PROT_R);
	ck_assert_uint_eq(out.segs[2].prot, PROT_R | PROT_W);
	ck_assert_uint_eq(out.segs[2].filesz, 0x80);
	ck_assert_uint_eq(out.segs[2].memsz, 0x5000);
	ck_assert_uint_eq(image[out.segs[1].offset], 0xa1);
	ck_assert_uint_eq(image[out.segs[2].offset + 0x7f], 0xa3);

	/* Any alignment of the image in memory (an initrd gives 4 bytes). */
	static unsigned char shifted[sizeof(image) + 1];
	memcpy(shifted + 1, image, image_len);
	ck_assert_int_eq(elf_parse(shifted + 1, image_len, EM_X86_64, LO, HI, &out, NULL), K_OK);
	/* The other machines are accepted when they are the one asked for. */
	eh()->e_machine = EM_RISCV;
	ck_assert_int_eq(elf_parse(image, image_len, EM_RISCV, LO, HI, &out, NULL), K_OK);
	eh()->e_machine = EM_AARCH64;
	ck_assert_int_eq(elf_parse(image, image_len, EM_AARCH64, LO, HI, &out, NULL), K_OK);
}
END_TEST

START_TEST(unaligned_segments)
{
	const struct seg s[] = {
		{ PT_LOAD, PF_R | PF_X, TEXT + 0x123, 0x50, 0x50 },
		{ PT_LOAD, PF_R | PF_W, TEXT + 0x1ff8, 0x10, 0x20 },   /* crosses a page */
	};
	build(s, 2, TEXT + 0x123);
	ck_assert_int_eq(parse(), K_OK);
	ck_assert_uint_eq(out.nsegs, 2);
	/* The text ends in page 0x400000 and the data starts in 0x401000. */
	build((const struct seg[]){ { PT_LOAD, PF_R | PF_X, TEXT + 0x123, 0x50, 0x50 },
				    { PT_LOAD, PF_R | PF_W, TEXT + 0xff8, 0x10, 0x20 } },
	      2, TEXT + 0x123);
	expect_refused("share a page");
}
END_TEST

START_TEST(bad_identity)
{
	build_good();
	image[0] = 0x7e;
	expect_refused("not an ELF");
	build_good();
	eh()->e_ident[EI_CLASS] = 1;                           /* ELFCLASS32 */
	expect_refused("64-bit");
	build_good();
	eh()->e_ident[EI_DATA] = 2;                            /* big-endian */
	expect_refused("little-endian");
	build_good();
	eh()->e_ident[EI_VERSION] = 0;
	expect_refused("version");
	build_good();
	eh()->e_version = 2;
	expect_refused("version");
	build_good();
	eh()->e_type = ET_DYN;
	expect_refused("ET_DYN");
	build_good();
	eh()->e_type = 1;                                      /* ET_REL */
	expect_refused("ET_EXEC");
	build_good();
	eh()->e_machine = EM_AARCH64;
	expect_refused("another machine");
	build_good();
	eh()->e_machine = 3;                                   /* EM_386 */
	expect_refused("another machine");
	build_good();
	ck_assert_int_eq(elf_parse(image, 10, EM_X86_64, LO, HI, &out, NULL), K_EINVAL);
	ck_assert_int_eq(elf_parse(NULL, 0, EM_X86_64, LO, HI, &out, NULL), K_EINVAL);
}
END_TEST

START_TEST(bad_program_headers)
{
	build_good();
	eh()->e_phentsize = 32;
	expect_refused("program header size");
	build_good();
	eh()->e_phnum = 0;
	expect_refused("no program headers");
	build_good();
	eh()->e_phnum = ELF_MAX_PHDRS + 1;
	expect_refused("too many");
	build_good();
	eh()->e_phoff = image_len - 10;
	expect_refused("past the end");
	build_good();
	eh()->e_phoff = UINT64_MAX - 8;                        /* wraps */
	expect_refused("past the end");
	build_good();
	eh()->e_phnum = 0xffff;
	expect_refused("too many");
}
END_TEST

START_TEST(bad_segments)
{
	build_good();
	ph(3)->p_filesz = ph(3)->p_memsz + 1;
	expect_refused("more file bytes");
	build_good();
	ph(1)->p_offset = image_len;                           /* data past the end */
	expect_refused("past the end");
	build_good();
	ph(1)->p_offset = UINT64_MAX - 4;                      /* wraps */
	expect_refused("past the end");
	build_good();
	ph(3)->p_filesz = ph(3)->p_memsz = UINT64_MAX;
	expect_refused("past the end");
	build_good();
	ph(3)->p_filesz = 0;
	ph(3)->p_memsz = UINT64_MAX - DATA;                    /* memsz alone wraps */
	expect_refused("outside user space");
	build_good();
	ph(1)->p_vaddr = 0x1000;                               /* below user space */
	expect_refused("outside user space");
	build_good();
	ph(1)->p_vaddr = HI;
	expect_refused("outside user space");
	build_good();
	ph(1)->p_vaddr = HI - 0x80;                            /* ends past the top */
	expect_refused("outside user space");
	build_good();
	ph(1)->p_vaddr = 0xffffffff80000000ull;                /* kernel addresses */
	expect_refused("outside user space");
	build_good();
	ph(1)->p_vaddr = TEXT + 0x800;                         /* overlaps the text */
	expect_refused("overlap");
	build_good();
	ph(3)->p_vaddr = TEXT - 0x1000;                        /* bss runs into the text */
	expect_refused("overlap");
}
END_TEST

START_TEST(write_xor_execute)
{
	build_good();
	ph(0)->p_flags = PF_R | PF_W | PF_X;
	expect_refused("W^X");
	build_good();
	ph(3)->p_flags = PF_W | PF_X;
	expect_refused("W^X");
	/* An empty segment occupies nothing and is not judged. */
	build_good();
	ph(2)->p_type = PT_LOAD;
	ph(2)->p_flags = PF_W | PF_X;
	ck_assert_int_eq(parse(), K_OK);
	ck_assert_uint_eq(out.nsegs, 3);
}
END_TEST

START_TEST(entry_point)
{
	build_good();
	eh()->e_entry = 0;
	expect_refused("entry point");
	build_good();
	eh()->e_entry = DATA + 4;                              /* inside, but not executable */
	expect_refused("entry point");
	build_good();
	eh()->e_entry = TEXT + 0x1234;                         /* one past the end */
	expect_refused("entry point");
	build_good();
	eh()->e_entry = TEXT + 0x1233;
	ck_assert_int_eq(parse(), K_OK);
	build_good();
	eh()->e_entry = TEXT;
	ck_assert_int_eq(parse(), K_OK);
}
END_TEST

START_TEST(dynamic_and_empty)
{
	build_good();
	ph(2)->p_type = PT_INTERP;
	expect_refused("dynamically linked");
	build_good();
	ph(2)->p_type = PT_DYNAMIC;
	expect_refused("dynamically linked");
	const struct seg none[] = { { 0x6474e551, PF_R | PF_W, 0, 0, 0 } };
	build(none, 1, TEXT);
	expect_refused("nothing to load");
	struct seg many[ELF_MAX_SEGMENTS + 1];
	for (int i = 0; i <= ELF_MAX_SEGMENTS; i++)
		many[i] = (struct seg){ PT_LOAD, PF_R | PF_X, TEXT + 0x1000 * (uint64_t)i, 8, 8 };
	build(many, ELF_MAX_SEGMENTS, TEXT);
	ck_assert_int_eq(parse(), K_OK);
	build(many, ELF_MAX_SEGMENTS + 1, TEXT);
	expect_refused("too many loadable");
}
END_TEST

/* The test program itself: a real, dynamically linked, usually
 * position-independent executable, which the kernel must refuse. */
START_TEST(real_host_executable)
{
	FILE *f = fopen("/proc/self/exe", "rb");
	if (!f)
		return;
	static unsigned char exe[4 << 20];
	size_t n = fread(exe, 1, sizeof(exe), f);
	fclose(f);
	const char *why = NULL;
	ck_assert_int_eq(elf_parse(exe, n, EM_X86_64, LO, HI, &out, &why), K_EINVAL);
	ck_assert_ptr_nonnull(why);
	ck_assert(strstr(why, "ET_DYN") || strstr(why, "dynamically") || strstr(why, "machine"));
}
END_TEST

/* Every prefix of a good image is refused (its data ends the file), and the
 * validator reads only inside each exact-size copy. */
START_TEST(every_truncation)
{
	build_good();
	for (size_t cut = 0; cut < image_len; cut++) {
		unsigned char *copy = malloc(cut ? cut : 1);
		memcpy(copy, image, cut);
		if (elf_parse(copy, cut, EM_X86_64, LO, HI, &out, NULL) != K_EINVAL)
			ck_abort_msg("a %zu-byte prefix was accepted", cut);
		free(copy);
	}
}
END_TEST

/* Random damage to the headers: whatever is accepted still satisfies every
 * promise of the validator. */
START_TEST(random_damage)
{
	srand(777);
	size_t headers = sizeof(struct elf64_ehdr) + 4 * sizeof(struct elf64_phdr);
	unsigned accepted = 0;
	for (int round = 0; round < 20000; round++) {
		build_good();
		int flips = 1 + rand() % 3;
		for (int i = 0; i < flips; i++)
			image[rand() % headers] ^= (unsigned char)(1u << (rand() % 8));
		unsigned char *copy = malloc(image_len);
		memcpy(copy, image, image_len);
		int rc = elf_parse(copy, image_len, EM_X86_64, LO, HI, &out, NULL);
		free(copy);
		if (rc != K_OK)
			continue;
		accepted++;
		bool entry_ok = false;
		for (unsigned i = 0; i < out.nsegs; i++) {
			const struct elf_segment *s = &out.segs[i];
			if (s->filesz > s->memsz || s->offset + s->filesz > image_len ||
			    s->vaddr < LO || s->vaddr + s->memsz > HI ||
			    (s->prot & (PROT_W | PROT_X)) == (PROT_W | PROT_X))
				ck_abort_msg("round %d: accepted a bad segment", round);
			for (unsigned j = 0; j < i; j++)
				if ((s->vaddr & ~0xfffull) < ((out.segs[j].vaddr + out.segs[j].memsz + 0xfff) & ~0xfffull) &&
				    (out.segs[j].vaddr & ~0xfffull) < ((s->vaddr + s->memsz + 0xfff) & ~0xfffull))
					ck_abort_msg("round %d: accepted overlapping segments", round);
			if ((s->prot & PROT_X) && out.entry >= s->vaddr && out.entry < s->vaddr + s->memsz)
				entry_ok = true;
		}
		if (!entry_ok)
			ck_abort_msg("round %d: accepted an entry outside the text", round);
	}
	ck_assert_uint_gt(accepted, 0);   /* harmless flips (padding, p_paddr) pass */
}
END_TEST

int main(void)
{
	Suite *s = suite_create("elf");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, layout_matches_libc);
	tcase_add_test(tc, good_image);
	tcase_add_test(tc, unaligned_segments);
	tcase_add_test(tc, bad_identity);
	tcase_add_test(tc, bad_program_headers);
	tcase_add_test(tc, bad_segments);
	tcase_add_test(tc, write_xor_execute);
	tcase_add_test(tc, entry_point);
	tcase_add_test(tc, dynamic_and_empty);
	tcase_add_test(tc, real_host_executable);
	tcase_add_test(tc, every_truncation);
	tcase_add_test(tc, random_damage);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
