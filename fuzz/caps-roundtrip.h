/*
 * The JSON round trip shared by the caps-json and facts harnesses: a model
 * that came from JSON formats to JSON that parses to a model formatting to
 * the same bytes, and formats as XML.
 */
#ifndef VC_FUZZ_CAPS_ROUNDTRIP_H
#define VC_FUZZ_CAPS_ROUNDTRIP_H

#include "virtcaps.h"

void vc_fuzz_check_caps_roundtrip(const VcHostCaps *caps);

#endif
