/*
 * xml-libxml2.c - the "xml" module: libxml2 reads a document into a
 * VcXmlNode tree (util/vc-xml.h).  Loaded on first use, so that processes
 * that read no XML never load libxml2, ICU and libstdc++.
 */
#include <limits.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <gmodule.h>

#include "util/vc-xml.h"
#include "virtcaps.h"

/* VIRTCAPS_ERROR without calling into the library (the module links only
 * GLib and libxml2): G_DEFINE_QUARK's string, hence the same quark. */
#define MODULE_ERROR g_quark_from_static_string("virtcaps-error-quark")

/* Deeper documents are not ours; bounding it bounds the recursion. */
#define MAX_DEPTH 64

VcXmlNode *vc_xml_module_read(const char *text, gsize len, const char *source, GError **error);

static VcXmlNode *
convert(xmlNode *n, guint depth, const char *source, GError **error)
{
    g_autoptr(VcXmlNode) node = NULL;
    xmlChar *content;

    if (depth > MAX_DEPTH) {
        g_set_error(error, MODULE_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s:%ld: invalid XML: elements nested deeper than %d", source,
                    xmlGetLineNo(n), MAX_DEPTH);
        return NULL;
    }
    node = vc_xml_node_new((const char *)n->name, xmlGetLineNo(n));
    for (xmlAttr *a = n->properties; a; a = a->next) {
        xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);

        g_ptr_array_add(node->attrs, g_strdup((const char *)a->name));
        g_ptr_array_add(node->attrs, g_strdup(v ? (const char *)v : ""));
        xmlFree(v);
    }
    content = xmlNodeGetContent(n);
    node->content = g_strdup(content ? (const char *)content : "");
    xmlFree(content);
    for (xmlNode *c = n->children; c; c = c->next) {
        VcXmlNode *child;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!(child = convert(c, depth + 1, source, error)))
            return NULL;
        g_ptr_array_add(node->children, child);
    }
    return g_steal_pointer(&node);
}

G_MODULE_EXPORT VcXmlNode *
vc_xml_module_read(const char *text, gsize len, const char *source, GError **error)
{
    xmlDoc *doc;
    VcXmlNode *root;

    if (len > INT_MAX) {
        g_set_error(error, MODULE_ERROR, VIRTCAPS_ERROR_PARSE, "%s: invalid XML: too large",
                    source);
        return NULL;
    }
    xmlResetLastError();
    doc = xmlReadMemory(text, (int)len, source, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc || !xmlDocGetRootElement(doc)) {
        const xmlError *e = xmlGetLastError();
        g_autofree char *msg = g_strstrip(g_strdup(e && e->message ? e->message
                                                   : "no root element"));

        g_set_error(error, MODULE_ERROR, VIRTCAPS_ERROR_PARSE, "%s:%d: invalid XML: %s",
                    source, e ? e->line : 0, msg);
        xmlFreeDoc(doc);
        return NULL;
    }
    root = convert(xmlDocGetRootElement(doc), 0, source, error);
    xmlFreeDoc(doc);
    return root;
}
