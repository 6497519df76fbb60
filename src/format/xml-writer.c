#include "format/xml-writer.h"

#include <stdarg.h>
#include <string.h>

void
vc_xml_init(VcXmlBuf *buf, int indent)
{
    buf->str = g_string_new(NULL);
    buf->indent = indent;
}

void
vc_xml_init_child(VcXmlBuf *child, const VcXmlBuf *parent)
{
    vc_xml_init(child, parent->indent + 2);
}

void
vc_xml_clear(VcXmlBuf *buf)
{
    if (buf->str)
        g_string_free(buf->str, TRUE);
    buf->str = NULL;
}

char *
vc_xml_steal(VcXmlBuf *buf)
{
    char *s = g_string_free(buf->str, FALSE);
    buf->str = NULL;
    return s;
}

static void
indent_if_line_start(VcXmlBuf *buf)
{
    if (buf->str->len == 0 || buf->str->str[buf->str->len - 1] == '\n')
        for (int i = 0; i < buf->indent; i++)
            g_string_append_c(buf->str, ' ');
}

void
vc_xml_printf(VcXmlBuf *buf, const char *fmt, ...)
{
    va_list ap;

    indent_if_line_start(buf);
    /* Most calls are literal markup: no need to go through printf. */
    if (!strchr(fmt, '%')) {
        g_string_append(buf->str, fmt);
        return;
    }
    va_start(ap, fmt);
    g_string_append_vprintf(buf->str, fmt, ap);
    va_end(ap);
}

void
vc_xml_escaped(VcXmlBuf *buf, const char *value)
{
    indent_if_line_start(buf);
    for (const char *p = value; *p; p++) {
        /* Runs of ordinary characters at once. */
        gsize plain = strcspn(p, "<>&'\"\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
                                 "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d"
                                 "\x1e\x1f");

        if (plain) {
            g_string_append_len(buf->str, p, (gssize)plain);
            p += plain - 1;
            continue;
        }
        switch (*p) {
        case '<': g_string_append(buf->str, "&lt;"); break;
        case '>': g_string_append(buf->str, "&gt;"); break;
        case '&': g_string_append(buf->str, "&amp;"); break;
        case '\'': g_string_append(buf->str, "&apos;"); break;
        case '"': g_string_append(buf->str, "&quot;"); break;
        default:
            /* XML 1.0 has no way to write other control characters. */
            if ((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
                g_string_append(buf->str, "\xef\xbf\xbd");
            else
                g_string_append_c(buf->str, *p);
            break;
        }
    }
}

void
vc_xml_text_element(VcXmlBuf *buf, const char *name, const char *value)
{
    vc_xml_printf(buf, "<%s>", name);
    vc_xml_escaped(buf, value);
    vc_xml_printf(buf, "</%s>\n", name);
}

void
vc_xml_adjust(VcXmlBuf *buf, int delta)
{
    buf->indent += delta;
}

void
vc_xml_element(VcXmlBuf *buf, const char *name, VcXmlBuf *attrs,
               VcXmlBuf *children)
{
    gboolean has_attrs = attrs && attrs->str && attrs->str->len;
    gboolean has_children = children && children->str && children->str->len;

    if (has_attrs || has_children) {
        vc_xml_printf(buf, "<%s%s", name, has_attrs ? attrs->str->str : "");
        if (has_children) {
            g_string_append(buf->str, ">\n");
            g_string_append(buf->str, children->str->str);
            vc_xml_printf(buf, "</%s>\n", name);
        } else {
            g_string_append(buf->str, "/>\n");
        }
    }
    if (attrs && attrs->str)
        g_string_truncate(attrs->str, 0);
    if (children && children->str)
        g_string_truncate(children->str, 0);
}
