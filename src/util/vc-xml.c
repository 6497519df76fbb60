/*
 * vc-xml.c - XML documents read into a plain tree (see vc-xml.h).
 */
#include "util/vc-xml.h"

#include <string.h>

#include "util/vc-module.h"
#include "virtcaps.h"

const char *
vc_xml_node_attr(const VcXmlNode *node, const char *name)
{
    for (guint i = 0; i + 1 < node->attrs->len; i += 2)
        if (strcmp(node->attrs->pdata[i], name) == 0)
            return node->attrs->pdata[i + 1];
    return NULL;
}

VcXmlNode *
vc_xml_read(const char *text, gsize len, const char *source, GError **error)
{
    g_autoptr(GError) err = NULL;
    VcXmlReadFunc read = (VcXmlReadFunc)vc_module_symbol(VC_XML_MODULE, VC_XML_MODULE_READ, &err);

    if (!read) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_IO, "%s: cannot read XML: %s", source,
                    err->message);
        return NULL;
    }
    return read(text, len, source, error);
}
