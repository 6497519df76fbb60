/*
 * Shared helpers of the fuzz harnesses (docs/fuzzing.md).
 *
 * Every harness defines LLVMFuzzerTestOneInput and nothing else that
 * libFuzzer calls; it is linked either with libFuzzer (-Dfuzzing=true, clang)
 * or with replay-main.c, which feeds it files (the regression tests).
 */
#ifndef VC_FUZZ_H
#define VC_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (embedded NULs are kept, so the
 * parser sees only the part before the first one, as it would from a file
 * read with g_file_get_contents). */
char *vc_fuzz_strndup(const uint8_t *data, size_t size);

/* A private temporary directory, made on first use and removed at exit:
 * harnesses reuse it across inputs to stay fast. */
const char *vc_fuzz_tmpdir(void);

/* Write (or, with text NULL, remove) dir/rel, creating parent directories. */
void vc_fuzz_put_file(const char *dir, const char *rel, const char *text, gsize len);

/* Abort with a message: a harness invariant failed (libFuzzer saves the
 * input as a crash, the replay test fails). */
G_NORETURN void vc_fuzz_fail(const char *what, const char *detail);

#endif
