#include <json-c/json.h>

#include "model/hostcaps.h"

char *
vc_host_caps_format_json(const VcHostCaps *caps)
{
    json_object *root = json_object_new_object();
    char *out;

    if (caps->cpu.arch)
        json_object_object_add(root, "arch", json_object_new_string(caps->cpu.arch));
    out = g_strdup_printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
    json_object_put(root);
    return out;
}
