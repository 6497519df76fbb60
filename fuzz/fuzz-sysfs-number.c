/*
 * One-number sysfs/procfs values: vc_parse_u64 directly, and the file
 * readers built on it (vc_host_read_u64/_uint/_int, which trim, bound and
 * warn) through a file in a temporary root.
 */
#include "fuzz.h"

#include "util/vc-file.h"

#define VALUE_FILE "/sys/value"

static void
check_u64(const char *text)
{
    guint64 value, again;
    g_autofree char *formatted = NULL;

    if (!vc_parse_u64(text, &value))
        return;
    formatted = g_strdup_printf("%" G_GUINT64_FORMAT, value);
    if (!vc_parse_u64(formatted, &again) || again != value)
        vc_fuzz_fail("number round trip differs", formatted);
}

static void
read_through_host(const uint8_t *data, size_t size)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    VcHost host;
    guint64 u64;
    guint uint_value;
    gint int_value;

    vc_fuzz_put_file(vc_fuzz_tmpdir(), VALUE_FILE, (const char *)data, size);
    vc_host_init(&host, vc_fuzz_tmpdir(), warnings);
    (void)vc_host_read_u64(&host, VALUE_FILE, &u64);
    (void)vc_host_read_uint(&host, VALUE_FILE, &uint_value);
    (void)vc_host_read_int(&host, VALUE_FILE, &int_value);
    vc_host_clear(&host);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = vc_fuzz_strndup(data, size);

    check_u64(text);
    read_through_host(data, size);
    return 0;
}
