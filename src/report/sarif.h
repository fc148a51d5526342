/* sarif.h - what the SARIF writers share (sarif.c for lint and image
 * reports, vuln.c for vulnerability reports). */
#ifndef HULL_REPORT_SARIF_H
#define HULL_REPORT_SARIF_H

#include <stdbool.h>

#include "basic/buf.h"
#include "basic/json.h"
#include "report/report.h"

#define HULL_SARIF_INFO_URL "https://github.com/hullscan/hullscan"

/* The document up to the open tool.driver.rules array: the caller writes
 * the rules, closes the array and the driver and tool objects, then writes
 * the run's other members. */
void hull_sarif_begin(struct hull_json *j, const struct hull_report_meta *m);

/* critical/high -> "error", medium -> "warning", low/info -> "note". */
const char *hull_sarif_level(enum hull_severity s);

/* path as artifactLocation.uri into tmp: relative (no "./") when it is, or
 * is under cwd (then *relative: use uriBaseId %SRCROOT%); otherwise a
 * file:// URI; percent-encoded. */
void hull_sarif_uri(struct hull_buf *tmp, const char *path, const char *cwd, bool *relative);

#endif
