/*
 * domcaps-json.h - the JSON form of the domain capabilities model
 * (docs/domcaps.md, "JSON output"): the tree of <domainCapabilities> with
 * the XML's names, enums as arrays of their values, supported as booleans.
 */
#ifndef VC_FORMAT_DOMCAPS_JSON_H
#define VC_FORMAT_DOMCAPS_JSON_H

#include <json-c/json.h>

#include "domcaps/domcaps.h"

/* The document as a new tree (the <domainCapabilities> element itself). */
json_object *vc_dom_caps_to_json(const VcDomCaps *caps);
/* json-c's pretty print of that tree, ending with a newline; g_free(). */
char *vc_dom_caps_format_json(const VcDomCaps *caps);

#endif /* VC_FORMAT_DOMCAPS_JSON_H */
