/*
 * domcaps-xml.h - libvirt's <domainCapabilities> XML for the domcaps model.
 */
#ifndef VC_FORMAT_DOMCAPS_XML_H
#define VC_FORMAT_DOMCAPS_XML_H

#include "domcaps/domcaps.h"

/* The document, byte-identical to libvirt's virDomainCapsFormat; g_free(). */
char *vc_dom_caps_format_xml(const VcDomCaps *caps);

#endif /* VC_FORMAT_DOMCAPS_XML_H */
