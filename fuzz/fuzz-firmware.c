/*
 * Firmware descriptors through the real loader: the input is up to four
 * descriptors joined by \x1e, written as 00-fw.json and 10-fw.json in two
 * directories of increasing precedence (pieces 0..3: low/00, high/00,
 * low/10, high/10; a missing piece is no file, an empty one masks), then
 * vc_firmware_load, vc_firmware_matches and domain capabilities built with
 * what loaded.  Every winning non-empty file either loads or is one
 * warning naming it.
 */
#include "fuzz.h"
#include "domcaps-check.h"

#include <string.h>

#define PIECES 4
#define SEPARATOR '\x1e'

static const char *const names[] = { "00-fw.json", "10-fw.json" };

/* Write piece i (NULL: remove) where the table above says. */
static void
put_piece(const char *root, int i, const char *text, gsize len)
{
    g_autofree char *rel = g_build_filename(i % 2 ? "high" : "low", names[i / 2], NULL);

    vc_fuzz_put_file(root, rel, text, len);
}

/* Split data into the pieces, write them; *expected counts the winners that
 * are not empty (each must load or warn). */
static void
write_tree(const char *root, const uint8_t *data, size_t size, guint *expected)
{
    const char *text = (const char *)data;
    gboolean present[PIECES] = { FALSE }, nonempty[PIECES] = { FALSE };
    size_t at = 0;   /* start of the next piece; size + 1: none left */

    for (int i = 0; i < PIECES; i++) {
        const char *sep = at < size ? memchr(text + at, SEPARATOR, size - at) : NULL;
        size_t stop = sep ? (size_t)(sep - text) : size;

        present[i] = at <= size;
        nonempty[i] = present[i] && stop > at;
        put_piece(root, i, present[i] ? text + at : NULL, present[i] ? stop - at : 0);
        at = present[i] ? stop + 1 : at;
    }
    *expected = 0;
    for (int n = 0; n < PIECES / 2; n++) {
        int winner = present[2 * n + 1] ? 2 * n + 1 : 2 * n;

        *expected += nonempty[winner];
    }
}

static void
check_warnings(const GPtrArray *warnings, const char *root)
{
    for (guint i = 0; i < warnings->len; i++) {
        const char *w = g_ptr_array_index(warnings, i);

        if (!g_str_has_prefix(w, root) || strchr(w, '\n'))
            vc_fuzz_fail("a firmware warning is not one line naming the file", w);
    }
}

static void
check_matches(const GPtrArray *fws)
{
    static const char *const machines[] = { "pc-q35-7.2", "pc-i440fx-7.2", "virt", "", NULL };

    for (guint i = 0; i < fws->len; i++)
        for (const char *const *m = machines; *m; m++)
            (void)vc_firmware_matches(g_ptr_array_index(fws, i), "x86_64", *m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *root = vc_fuzz_tmpdir();
    g_autofree char *low = g_build_filename(root, "low", NULL);
    g_autofree char *high = g_build_filename(root, "high", NULL);
    g_autoptr(GPtrArray) dirs = g_ptr_array_new();
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) fws = NULL;
    g_autoptr(VcHostFacts) host = NULL;
    guint expected;

    vc_fuzz_quiet_logs();
    write_tree(root, data, size, &expected);
    g_ptr_array_add(dirs, low);
    g_ptr_array_add(dirs, high);
    fws = vc_firmware_load(dirs, warnings);
    check_warnings(warnings, root);
    if (fws->len + warnings->len != expected)
        vc_fuzz_fail("firmware descriptors", "a winning file neither loaded nor warned");
    check_matches(fws);
    if (fws->len) {
        host = vc_fuzz_host_facts();
        vc_fuzz_check_domcaps(vc_fuzz_x86_digest(), host, fws);
    }
    return 0;
}
