/*
 * The JSON form of the host capabilities model (docs/json.md), as json-c
 * trees: hostcaps-json.c converts between trees and the model, facts/facts.c
 * turns text into trees and merges facts files over them.
 */
#ifndef VC_FORMAT_HOSTCAPS_JSON_H
#define VC_FORMAT_HOSTCAPS_JSON_H

#include <json-c/json.h>

#include "model/hostcaps.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_object, json_object_put)

/* Where a JSON reader is, for one-line errors "SOURCE: PATH: message" with
 * PATH like host.topology.cells[1].memory. */
typedef struct {
    const char *source;
    GString *path;
    guint64 bitmap_budget;       /* CPU list members still allowed */
    GError **error;
} VcJsonCtx;

void vc_json_ctx_init(VcJsonCtx *ctx, const char *source, GError **error);
void vc_json_ctx_clear(VcJsonCtx *ctx);
/* Append ".name" or "[index]" to the path; returns the mark to pop to. */
gsize vc_json_path_push_member(VcJsonCtx *ctx, const char *name);
gsize vc_json_path_push_index(VcJsonCtx *ctx, gsize index);
void vc_json_path_pop(VcJsonCtx *ctx, gsize mark);
/* Set the error for the current path; always returns FALSE. */
gboolean vc_json_fail(VcJsonCtx *ctx, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Append text for an error message: at most 64 bytes, non-printable and
 * non-ASCII bytes as \xNN, so messages stay one line. */
void vc_json_append_quoted(GString *out, const char *text);

/* The model as a new tree {"host": {...}}. */
json_object *vc_host_caps_to_json(const VcHostCaps *caps);
/* A new model from a tree (the exact inverse), strict about every member. */
VcHostCaps *vc_host_caps_from_json(json_object *root, const char *source,
                                   GError **error);

#endif
