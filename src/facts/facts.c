#include "model/hostcaps.h"

VcHostCaps *
vc_host_caps_parse_json(const char *json, const char *source, GError **error)
{
    (void)json;
    g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE, "%s: JSON input is not supported yet", source);
    return NULL;
}

gboolean
vc_host_caps_apply_facts_file(VcHostCaps **caps, const char *path, GError **error)
{
    (void)caps;
    g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_INVALID, "%s: facts files are not supported yet", path);
    return FALSE;
}
