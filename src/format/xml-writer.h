/*
 * An indenting text buffer for writing libvirt-style XML: two-space indent,
 * single-quoted attributes, and libvirt's escaping (&apos; &quot; &lt; &gt;
 * &amp;).  Output is text, not a DOM, because libvirt's documents have
 * details (blank lines, empty open/close pairs) that a DOM writer can't make.
 */
#ifndef VC_FORMAT_XML_WRITER_H
#define VC_FORMAT_XML_WRITER_H

#include <glib.h>

typedef struct {
    GString *str;
    int indent;
} VcXmlBuf;

void vc_xml_init(VcXmlBuf *buf, int indent);
/* A buffer for the children of an element written into parent. */
void vc_xml_init_child(VcXmlBuf *child, const VcXmlBuf *parent);
void vc_xml_clear(VcXmlBuf *buf);
char *vc_xml_steal(VcXmlBuf *buf);

/* printf into the buffer; a line start gets the current indentation.  Only
 * for trusted text (names, numbers): use vc_xml_escaped for any value. */
void vc_xml_printf(VcXmlBuf *buf, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Append value escaped for XML text or a single-quoted attribute. */
void vc_xml_escaped(VcXmlBuf *buf, const char *value);
/* <name>value</name> with value escaped. */
void vc_xml_text_element(VcXmlBuf *buf, const char *name, const char *value);
void vc_xml_adjust(VcXmlBuf *buf, int delta);

/* libvirt's virXMLFormatElement: nothing when attrs and children are both
 * empty, <name attrs/> without children, else an open/close pair.  Either
 * buffer may be NULL; both are emptied. */
void vc_xml_element(VcXmlBuf *buf, const char *name, VcXmlBuf *attrs,
                    VcXmlBuf *children);

#endif
