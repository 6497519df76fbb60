/*
 * vc-xml.h - XML documents read into a plain tree.
 *
 * libxml2 parses (in the "xml" module, see vc-module.h); the rest of
 * virtcaps sees only this tree of elements, so that libxml2 is loaded by
 * the few runs that read XML (libvirt CPUID dumps, <cpu> definitions).
 */
#ifndef VC_XML_H
#define VC_XML_H

#include <glib.h>

typedef struct _VcXmlNode VcXmlNode;
struct _VcXmlNode {
    char *name;
    GPtrArray *attrs;      /* char *: name, value, name, value, ... */
    char *content;         /* all text below the element, as libxml2's xmlNodeGetContent */
    long line;             /* where it starts, for messages */
    GPtrArray *children;   /* VcXmlNode *: child elements only, in order */
};

/* Defined here, not in the library, so that the module builds nodes and
 * frees a half-built tree without linking the library. */
static inline void
vc_xml_node_free(VcXmlNode *node)
{
    if (!node)
        return;
    g_free(node->name);
    g_ptr_array_unref(node->attrs);
    g_free(node->content);
    g_ptr_array_unref(node->children);
    g_free(node);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcXmlNode, vc_xml_node_free)

static inline VcXmlNode *
vc_xml_node_new(const char *name, long line)
{
    VcXmlNode *node = g_new0(VcXmlNode, 1);

    node->name = g_strdup(name);
    node->attrs = g_ptr_array_new_with_free_func(g_free);
    node->children = g_ptr_array_new_with_free_func((GDestroyNotify)vc_xml_node_free);
    node->line = line;
    return node;
}

/* The value of attribute name, or NULL. */
const char *vc_xml_node_attr(const VcXmlNode *node, const char *name);

/* The root element of the document text (len bytes), or NULL and *error:
 * "SOURCE:LINE: invalid XML: REASON", or why the module could not load.
 * No network, no DTD loading, no entity expansion from outside. */
VcXmlNode *vc_xml_read(const char *text, gsize len, const char *source, GError **error);

/* The module's entry point (vc_xml_read's backend). */
typedef VcXmlNode *(*VcXmlReadFunc)(const char *text, gsize len, const char *source,
                                    GError **error);
#define VC_XML_MODULE "xml"
#define VC_XML_MODULE_READ "vc_xml_module_read"

#endif
