/*
 * domcaps.h - the domain capabilities model: plain structs, one per element
 * of libvirt's <domainCapabilities>, and libvirt's enum vocabularies.
 *
 * An enum element holds a set of values of one vocabulary (libvirt's C
 * enum, whose order is the output order) as a bit mask over that
 * vocabulary, and whether it is reported at all (an empty reported enum is
 * <enum name='x'/>).  Elements with a "supported" attribute are absent,
 * supported='no' or supported='yes' with content.
 */
#ifndef VC_DOMCAPS_DOMCAPS_H
#define VC_DOMCAPS_DOMCAPS_H

#include <glib.h>

G_BEGIN_DECLS

#include "model/tristate.h"

/* libvirt's enums used by domain capabilities, in libvirt's order. */
typedef enum {
    VC_VOCAB_FIRMWARE,
    VC_VOCAB_LOADER_TYPE,
    VC_VOCAB_TRISTATE_BOOL,
    VC_VOCAB_TRISTATE_SWITCH,
    VC_VOCAB_MEMORY_SOURCE,
    VC_VOCAB_DISK_DEVICE,
    VC_VOCAB_DISK_BUS,
    VC_VOCAB_DISK_MODEL,
    VC_VOCAB_GRAPHICS,
    VC_VOCAB_VIDEO,
    VC_VOCAB_HOSTDEV_MODE,
    VC_VOCAB_STARTUP_POLICY,
    VC_VOCAB_HOSTDEV_SUBSYS,
    VC_VOCAB_HOSTDEV_CAPS,
    VC_VOCAB_PCI_BACKEND,
    VC_VOCAB_RNG_MODEL,
    VC_VOCAB_RNG_BACKEND,
    VC_VOCAB_FS_DRIVER,
    VC_VOCAB_TPM_MODEL,
    VC_VOCAB_TPM_BACKEND,
    VC_VOCAB_TPM_VERSION,
    VC_VOCAB_REDIRDEV_BUS,
    VC_VOCAB_CHR_TYPE,
    VC_VOCAB_CRYPTO_MODEL,
    VC_VOCAB_CRYPTO_TYPE,
    VC_VOCAB_CRYPTO_BACKEND,
    VC_VOCAB_NET_BACKEND,
    VC_VOCAB_GIC_VERSION,
    VC_VOCAB_HYPERV,
    VC_VOCAB_LAUNCH_SECURITY,
    VC_VOCAB_LAST,
} VcVocab;

/* The value names of a vocabulary (NULL-terminated; "" for libvirt's
 * placeholder values that are never printed). */
const char *const *vc_vocab_names(VcVocab vocab);
/* The index of name in vocab, or -1. */
int vc_vocab_index(VcVocab vocab, const char *name);

typedef struct {
    gboolean report;
    guint64 values;   /* bit i: vc_vocab_names(vocab)[i] */
} VcDomEnum;

/* Set name (which must belong to vocab: a programming error otherwise). */
void vc_dom_enum_set(VcDomEnum *e, VcVocab vocab, const char *name);

/* Elements made of a supported attribute and enums only, in output order
 * where they are siblings. */
typedef enum {
    VC_ELEM_MEMORY_BACKING,
    VC_ELEM_DISK,
    VC_ELEM_GRAPHICS,
    VC_ELEM_VIDEO,
    VC_ELEM_HOSTDEV,
    VC_ELEM_RNG,
    VC_ELEM_FILESYSTEM,
    VC_ELEM_TPM,
    VC_ELEM_REDIRDEV,
    VC_ELEM_CHANNEL,
    VC_ELEM_CRYPTO,
    VC_ELEM_INTERFACE,
    VC_ELEM_GIC,
    VC_ELEM_HYPERV,
    VC_ELEM_LAUNCH_SECURITY,
    VC_ELEM_LAST,
} VcEnumElement;

#define VC_ELEM_FIRST_DEVICE VC_ELEM_DISK
#define VC_ELEM_LAST_DEVICE VC_ELEM_INTERFACE
#define VC_ELEM_MAX_ENUMS 5

typedef struct {
    const char *element;
    guint n_enums;
    struct {
        const char *name;
        VcVocab vocab;
    } enums[VC_ELEM_MAX_ENUMS];
} VcEnumElementDesc;

const VcEnumElementDesc *vc_enum_element_desc(VcEnumElement elem);
/* The enum slot of elem named name, or -1. */
int vc_enum_element_slot(VcEnumElement elem, const char *name);

typedef struct {
    VcTristate supported;
    VcDomEnum enums[VC_ELEM_MAX_ENUMS];
} VcDomElement;

/* <features> with only a supported attribute, in libvirt's order. */
typedef enum {
    VC_FEATURE_IOTHREADS,   /* printed at the top, as <iothreads> */
    VC_FEATURE_VMCOREINFO,
    VC_FEATURE_GENID,
    VC_FEATURE_BACKING_STORE_INPUT,
    VC_FEATURE_BACKUP,
    VC_FEATURE_ASYNC_TEARDOWN,
    VC_FEATURE_S390_PV,
    VC_FEATURE_PS2,
    VC_FEATURE_LAST,
} VcSimpleFeature;

const char *vc_simple_feature_name(VcSimpleFeature feature);

typedef struct {
    VcTristate supported;
    VcDomEnum firmware;
    VcTristate loader_supported;
    GPtrArray *loader_values;          /* char * */
    VcDomEnum loader_type;
    VcDomEnum loader_readonly;
    VcDomEnum loader_secure;
} VcDomOs;

typedef struct {
    char *name;
    char *usable;        /* "yes", "no", "unknown" */
    gboolean deprecated;
    char *vendor;        /* NULL: unknown */
    char *canonical;     /* QEMU's alias-of: the model this name is an alias
                          * of; NULL when none (printed by libvirt 10.10+) */
    GStrv blockers;      /* QEMU's unavailable features when usable is "no",
                          * in libvirt's spelling and sorted (printed by
                          * libvirt 10.9+ as <blockers>) */
} VcDomCpuModel;

typedef struct {
    char *name;
    gboolean disable;    /* policy='disable', else 'require' */
} VcDomCpuFeature;

/* host-model: the CPU a host-model guest gets. */
typedef struct {
    char *model;
    gboolean fallback_forbid;   /* fallback='forbid' (QEMU's own model), else 'allow' */
    char *vendor;               /* NULL: no <vendor> */
    guint maxphysaddr_limit;    /* <maxphysaddr mode='passthrough' limit>; 0: none */
    GPtrArray *features;        /* VcDomCpuFeature *, libvirt's order */
} VcDomCpuHostModel;

VcDomCpuHostModel *vc_dom_cpu_host_model_new(const char *model, const char *vendor,
                                             gboolean fallback_forbid);
void vc_dom_cpu_host_model_add_feature(VcDomCpuHostModel *hm, const char *name, gboolean disable);
void vc_dom_cpu_host_model_free(VcDomCpuHostModel *hm);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcDomCpuHostModel, vc_dom_cpu_host_model_free)

typedef struct {
    gboolean host_passthrough;
    VcDomEnum host_passthrough_migratable;
    gboolean maximum;
    VcDomEnum maximum_migratable;
    VcDomCpuHostModel *host_model;   /* NULL: unsupported */
    GPtrArray *custom;   /* VcDomCpuModel *, NULL or empty: unsupported */
} VcDomCpu;

typedef struct {
    guint cbitpos;
    guint reduced_phys_bits;
    guint max_guests;
    guint max_es_guests;
    char *cpu0_id;
} VcDomSev;

typedef struct {
    guint node;
    guint64 size_kib;
} VcDomSgxSection;

typedef struct {
    gboolean flc;
    gboolean sgx1;
    gboolean sgx2;
    guint64 section_size_kib;
    GArray *sections;    /* VcDomSgxSection */
} VcDomSgx;

typedef struct {
    char *path;
    char *domain;        /* virt type: kvm, qemu, hvf */
    char *machine;       /* may be NULL */
    char *arch;
    guint max_vcpus;     /* 0: no <vcpu> */
    VcTristate features[VC_FEATURE_LAST];
    VcDomOs os;
    VcDomCpu cpu;
    VcDomElement elements[VC_ELEM_LAST];
    VcDomSev *sev;       /* NULL: <sev supported='no'/> */
    VcDomSgx *sgx;       /* NULL: <sgx supported='no'/> */
} VcDomCaps;

VcDomCaps *vc_dom_caps_new(void);
void vc_dom_caps_free(VcDomCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcDomCaps, vc_dom_caps_free)

G_END_DECLS

#endif /* VC_DOMCAPS_DOMCAPS_H */
