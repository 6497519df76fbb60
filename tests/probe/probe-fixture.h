/*
 * A fixture for probe unit tests: a temporary host tree that a test fills
 * with files, one probe run over it through --root, and the model, XML and
 * warnings that came out.
 */
#ifndef VC_TESTS_PROBE_FIXTURE_H
#define VC_TESTS_PROBE_FIXTURE_H

#include <string.h>

#include <glib.h>

#include "probe/probe.h"

typedef struct {
    char *root;
    GPtrArray *warnings;
    VcHostCaps *caps;
    char *xml;
} Fixture;

void setup(Fixture *f, gconstpointer data);
void teardown(Fixture *f, gconstpointer data);
/* Write text to path (relative to the root), creating directories. */
void put(Fixture *f, const char *path, const char *text);
/* Run one probe over the tree into f->caps and format it into f->xml. */
void run_probe(Fixture *f, void (*probe)(const VcHost *, VcHostCaps *));
gboolean warned_about(Fixture *f, const char *fragment);
/* Remove a directory tree (symbolic links are removed, not followed). */
void fixture_remove_tree(const char *path);

#define assert_xml_has(f, s) g_assert_nonnull(strstr((f)->xml, (s)))
#define assert_xml_lacks(f, s) g_assert_null(strstr((f)->xml, (s)))

#endif
