/* Shared by the host facts, firmware and cache harnesses; see domcaps-check.h. */
#include "domcaps-check.h"
#include "fuzz.h"

#include <string.h>

#include <libxml/parser.h>

#include "domcaps/policy.h"
#include "format/domcaps-xml.h"
#include "qemu/digest.h"
#include "qemu/probe.h"
#include "qemu/replies.h"

#define X86_REPLIES VC_FUZZ_SOURCE_DIR "/tests/qemu/data/debian-7.2-x86_64.replies"

json_object *
vc_fuzz_x86_digest(void)
{
    static json_object *digest;
    g_autoptr(GError) error = NULL;
    g_autoptr(VcReplies) replies = NULL;
    g_autoptr(VcQemuSource) src = NULL;
    json_object *facts;

    if (digest)
        return digest;
    if (!(replies = vc_replies_load(X86_REPLIES, &error)))
        vc_fuzz_fail(X86_REPLIES, error->message);
    src = vc_qemu_source_new_replay(replies);
    if (!(facts = vc_qemu_probe(src, NULL, &error)))
        vc_fuzz_fail(X86_REPLIES, error->message);
    digest = vc_qemu_digest_of_facts(facts);
    json_object_put(facts);
    vc_qemu_digest_thaw_all(digest);   /* read-only from here on */
    return digest;
}

static GPtrArray *
strings(const char *const *items)
{
    GPtrArray *a = g_ptr_array_new_with_free_func(g_free);

    for (; *items; items++)
        g_ptr_array_add(a, g_strdup(*items));
    return a;
}

VcHostFacts *
vc_fuzz_host_facts(void)
{
    VcHostFacts *f = g_new0(VcHostFacts, 1);

    f->arch = g_strdup("x86_64");
    f->kvm_max_vcpus = G_MAXINT32;
    f->phys_addr_bits = 46;
    f->secure_guest = TRUE;
    f->firmware_dirs = g_ptr_array_new_with_free_func(g_free);
    f->swtpm = TRUE;
    f->tpm_versions = strings((const char *const[]){ "2.0", NULL });
    f->sev_max_guests = 59;
    f->sev_max_es_guests = 450;
    f->cpu = g_new0(VcHostFactsCpu, 1);
    f->cpu->model = g_strdup("Broadwell");
    f->cpu->features = g_ptr_array_new_with_free_func(g_free);
    return f;
}

void
vc_fuzz_check_xml(const char *what, const char *xml)
{
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "check.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    g_autofree char *why = g_strdup_printf("%s: not well-formed XML", what);

    if (!doc)
        vc_fuzz_fail(why, xml);
    xmlFreeDoc(doc);
}

static void
build_one(json_object *digest, const VcHostFacts *host, const GPtrArray *firmwares,
          const char *virttype)
{
    VcDomCapsRequest req = { "/usr/bin/qemu-system-x86_64", NULL, NULL, virttype };
    g_autoptr(GError) error = NULL;
    g_autoptr(VcDomCaps) caps = vc_dom_caps_build(digest, host, firmwares, &req, "fuzz", &error);
    g_autofree char *xml = NULL;

    if (!caps) {
        if (!error || strchr(error->message, '\n'))
            vc_fuzz_fail("a domain capabilities error is not one line",
                         error ? error->message : "(no error)");
        return;
    }
    xml = vc_dom_caps_format_xml(caps);
    vc_fuzz_check_xml("domain capabilities", xml);
}

void
vc_fuzz_check_domcaps(json_object *digest, const VcHostFacts *host, const GPtrArray *firmwares)
{
    build_one(digest, host, firmwares, NULL);
    build_one(digest, host, firmwares, "qemu");
}

static void
log_handler(const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
    (void)data;
    if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_FLAG_FATAL | G_LOG_LEVEL_ERROR))
        vc_fuzz_fail(domain ? domain : "log", message);
}

void
vc_fuzz_quiet_logs(void)
{
    g_log_set_default_handler(log_handler, NULL);
}
