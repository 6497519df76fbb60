/*
 * Raw x86 CPU identification data: CPUID leaves and MSR values, as libvirt
 * collects them for the host CPU (src/cpu/cpu_x86.c virCPUx86GetHost), and
 * the dumps that stand in for the CPUID instruction under --root.
 *
 * Two dump formats are read:
 *
 *  - virtcaps' own JSON (written by the recorder; docs/cpuid-dump.md):
 *
 *      {
 *        "format": "virtcaps-cpuid-1",
 *        "cpuid": [
 *          {"leaf": "0x00000007", "subleaf": "0x0", "eax": "0x00000000",
 *           "ebx": "0x029c6fbf", "ecx": "0x00000000", "edx": "0x00000000"},
 *          ...
 *        ],
 *        "msrs": {"0x10a": "0x00000000000001eb"}
 *      }
 *
 *    Numbers are strings ("0x..." hex or decimal) or JSON integers; every
 *    cpuid entry needs all six fields; "msrs" is optional.
 *
 *  - libvirt's x86_64-cpuid-*.xml test data (virCPUx86DataFormat):
 *      <cpudata arch='x86'>
 *        <cpuid eax_in='0x..' ecx_in='0x..' eax='0x..' ebx= ecx= edx=/>
 *        <msr index='0x10a' edx='0x..' eax='0x..'/>
 *      </cpudata>
 *    with libvirt's rules: eax_in required, the rest of a <cpuid> optional
 *    (0); index, eax and edx of an <msr> required.
 *
 * A leaf given twice is merged by OR-ing its registers, as libvirt does.
 */
#ifndef VC_CPU_CPUID_H
#define VC_CPU_CPUID_H

#include <glib.h>

typedef struct {
    guint32 eax_in;
    guint32 ecx_in;
    guint32 eax;
    guint32 ebx;
    guint32 ecx;
    guint32 edx;
} VcCpuidLeaf;

typedef struct {
    guint32 index;
    guint64 value;
} VcMsr;

typedef struct {
    GArray *leaves;  /* VcCpuidLeaf, sorted by (eax_in, ecx_in), unique */
    GArray *msrs;    /* VcMsr, sorted by index, unique */
} VcCpuidData;

/* Dumps bigger than this are rejected (a real one is a few KiB). */
#define VC_CPUID_DUMP_MAX (4 * 1024 * 1024)
/* More entries than this are rejected rather than kept in memory. */
#define VC_CPUID_MAX_ITEMS 8192

/* Where a dump replaces the CPUID instruction under --root DIR. */
#define VC_CPUID_ROOT_DUMP ".virtcaps/cpuid.json"

VcCpuidData *vc_cpuid_data_new(void);
void vc_cpuid_data_free(VcCpuidData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcCpuidData, vc_cpuid_data_free)

/* Add a leaf (OR-ed into an existing one with the same eax_in/ecx_in). */
void vc_cpuid_data_add_leaf(VcCpuidData *data, const VcCpuidLeaf *leaf);
void vc_cpuid_data_add_msr(VcCpuidData *data, guint32 index, guint64 value);

const VcCpuidLeaf *vc_cpuid_data_get(const VcCpuidData *data, guint32 eax_in,
                                     guint32 ecx_in);
gboolean vc_cpuid_data_get_msr(const VcCpuidData *data, guint32 index,
                               guint64 *value);

/* ---- acquisition ---- */

/* One CPUID query: regs = { eax, ebx, ecx, edx }. */
typedef void (*VcCpuidQueryFunc)(guint32 eax_in, guint32 ecx_in,
                                 guint32 regs[4], gpointer opaque);

/* Walk the basic and extended leaves with libvirt's sub-leaf rules (cpuidSet)
 * through query; exposed so tests can run it against a recorded CPU. */
VcCpuidData *vc_cpuid_collect(VcCpuidQueryFunc query, gpointer opaque);

/* The running CPU: the CPUID instruction, plus IA32_ARCH_CAPABILITIES (MSR
 * 0x10a) when CPUID enumerates it and it can be read (/dev/cpu/0/msr, else
 * KVM's feature MSRs on /dev/kvm), as libvirt does.  Fails on non-x86. */
VcCpuidData *vc_cpuid_read_host(GError **error);

/* The CPUID data of the host under root: for NULL or "/" the running CPU,
 * otherwise the dump ROOT/.virtcaps/cpuid.json (G_FILE_ERROR_NOENT when the
 * tree has none). */
VcCpuidData *vc_cpuid_acquire(const char *root, GError **error);

/* ---- dumps ---- */

/* Read a dump in either format (sniffed from its first character). */
VcCpuidData *vc_cpuid_load_file(const char *path, GError **error);
VcCpuidData *vc_cpuid_parse_json(const char *text, gsize len,
                                 const char *source, GError **error);
VcCpuidData *vc_cpuid_parse_libvirt_xml(const char *text, gsize len,
                                        const char *source, GError **error);

char *vc_cpuid_format_json(const VcCpuidData *data);
char *vc_cpuid_format_libvirt_xml(const VcCpuidData *data);

/* The recorder: write data as a virtcaps JSON dump (creating parent
 * directories), e.g. to DIR/.virtcaps/cpuid.json. */
gboolean vc_cpuid_write_json(const VcCpuidData *data, const char *path,
                             GError **error);

#endif
