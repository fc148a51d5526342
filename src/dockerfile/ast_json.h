/* ast_json.h - `hullscan parse --format json`: the syntax tree and stage
 * model as JSON (schema: docs/formats/parse-json.md).
 * hull_df_write_json() writes one FILE object into j; m may be NULL (syntax
 * only).  Errors are left in j (hull_json_end). */
#ifndef HULL_DOCKERFILE_AST_JSON_H
#define HULL_DOCKERFILE_AST_JSON_H

#include "basic/json.h"
#include "dockerfile/ast.h"
#include "dockerfile/stages.h"

#define HULL_PARSE_JSON_SCHEMA_VERSION 1

void hull_df_write_json(struct hull_json *j, const struct hull_dockerfile *df,
                        const struct hull_df_model *m);

#endif
