/* ast_json.h - `hullscan parse --format json`: the syntax tree and stage
 * model as JSON (schema: docs/formats/parse-json.md).
 * Returns a new reference (json_decref it) or NULL when out of memory.
 * m may be NULL (syntax only). */
#ifndef HULL_DOCKERFILE_AST_JSON_H
#define HULL_DOCKERFILE_AST_JSON_H

#include <jansson.h>

#include "dockerfile/ast.h"
#include "dockerfile/stages.h"

#define HULL_PARSE_JSON_SCHEMA_VERSION 1

json_t *hull_df_to_json(const struct hull_dockerfile *df, const struct hull_df_model *m);

#endif
