/*
 * domcaps-xml.h - libvirt's <domainCapabilities> XML for the domcaps model.
 */
#ifndef VC_FORMAT_DOMCAPS_XML_H
#define VC_FORMAT_DOMCAPS_XML_H

#include "domcaps/domcaps.h"

/* libvirt versions numbered as libvirt does: major * 1000000 + minor * 1000
 * + micro (10.7.0 is 10007000).  NEWEST selects the newest format known. */
#define VC_LIBVIRT_VERSION_NEWEST G_MAXUINT

/* The parts of the document whose format changed in a libvirt release;
 * each is printed from the version of the table in domcaps-xml.c on. */
typedef enum {
    VC_DOMCAPS_PART_BLOCKERS,    /* <blockers> after an unusable custom model (10.9) */
    VC_DOMCAPS_PART_CANONICAL,   /* a custom model's canonical attribute (10.10) */
} VcDomCapsPart;

/* "MAJOR.MINOR" or "MAJOR.MINOR.MICRO", each part at most 3 digits (minor
 * and micro below 1000); a one-line error otherwise. */
gboolean vc_libvirt_version_parse(const char *text, guint *version, GError **error);
/* Whether libvirt_version's format has part. */
gboolean vc_dom_caps_format_has(guint libvirt_version, VcDomCapsPart part);

/* The document in libvirt_version's format, byte-identical to that
 * libvirt's virDomainCapsFormat; g_free(). */
char *vc_dom_caps_format_xml_for(const VcDomCaps *caps, guint libvirt_version);
/* The same in the newest format. */
char *vc_dom_caps_format_xml(const VcDomCaps *caps);

#endif /* VC_FORMAT_DOMCAPS_XML_H */
